package dev.tessera.eval;

/**
 * Mean structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) of luma, the convention of
 * scikit-image's {@code structural_similarity(gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=255)}: local means, variances and covariance under an
 * 11×11 Gaussian window (σ = 1.5, normalised to sum 1, population moments), the SSIM map kept only
 * where the window lies wholly inside the image (the 'valid' region, 5 pixels in from each border),
 * and its plain mean. Wang's reference ssim_index.m computes the same map; its later automatic
 * pre-downscaling of large images is not applied, because the caller chooses the viewing scale.
 */
public final class Ssim {
    /** Window side: the paper's 11×11, the Gaussian cut at 3.5σ as scikit-image does (2·⌊3.5σ + ½⌋ + 1). */
    public static final int WINDOW = 11;
    /** Window spread, from the paper: wide enough for structure, narrow enough to stay local. */
    public static final double SIGMA = 1.5;
    /** The paper's stabilising constants: C1 = (K1·L)², C2 = (K2·L)², small against 8-bit ranges. */
    public static final double K1 = 0.01;
    public static final double K2 = 0.03;
    /** Dynamic range L of 8-bit luma. */
    public static final double RANGE = 255;

    private static final double C1 = (K1 * RANGE) * (K1 * RANGE);
    private static final double C2 = (K2 * RANGE) * (K2 * RANGE);
    private static final double[] TAPS = gaussianTaps();

    private Ssim() {}

    /**
     * Mean SSIM of the BT.601 luma of two images of the same size; NaN when a side is shorter than
     * the window, since no window then fits (scikit-image raises instead).
     */
    public static double onLuma(RgbImage a, RgbImage b) {
        Metrics.requireSameSize(a, b);
        return mean(Luma.of(a), Luma.of(b), a.width(), a.height());
    }

    /** Mean SSIM of two single-channel images, row-major width×height, values on a 0..255 scale. */
    public static double mean(double[] x, double[] y, int width, int height) {
        if (x.length != (long) width * height || y.length != x.length)
            throw new IllegalArgumentException("expected " + width + "*" + height + " values per image, got "
                    + x.length + " and " + y.length);
        if (width < WINDOW || height < WINDOW) return Double.NaN;
        int n = x.length;
        double[] xx = new double[n], yy = new double[n], xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        int ow = width - WINDOW + 1, oh = height - WINDOW + 1;
        double[] mx = windowMeans(x, width, 0, oh - 1, 0, ow - 1, ow), my = windowMeans(y, width, 0, oh - 1, 0, ow - 1, ow);
        double[] mxx = windowMeans(xx, width, 0, oh - 1, 0, ow - 1, ow), myy = windowMeans(yy, width, 0, oh - 1, 0, ow - 1, ow);
        double[] mxy = windowMeans(xy, width, 0, oh - 1, 0, ow - 1, ow);
        double sum = 0;
        for (int i = 0; i < mx.length; i++) sum += local(mx[i], my[i], mxx[i], myy[i], mxy[i]);
        return sum / mx.length;
    }

    /**
     * SSIM of one window from its Gaussian-weighted means of x, y, x², y² and xy (the standard
     * constants for 0..255 values).
     */
    public static double local(double ux, double uy, double uxx, double uyy, double uxy) {
        double vx = uxx - ux * ux, vy = uyy - uy * uy, cxy = uxy - ux * uy;
        return (2 * ux * uy + C1) * (2 * cxy + C2) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
    }

    /**
     * Gaussian-weighted window means of v (row-major, {@code stride} values a row), separably, for
     * the windows whose top-left corners are rows u0..u1 and columns c0..c1, into a row-major array
     * {@code outW} wide. The whole valid region of a width×height image is rows 0..height−11,
     * columns 0..width−11.
     */
    public static double[] windowMeans(double[] v, int stride, int u0, int u1, int c0, int c1, int outW) {
        int oh = u1 - u0 + 1, ow = c1 - c0 + 1, ih = oh + WINDOW - 1;
        double[] rows = new double[ih * ow];
        for (int y = 0; y < ih; y++)
            for (int x = 0; x < ow; x++) {
                double s = 0;
                int base = (u0 + y) * stride + c0 + x;
                for (int k = 0; k < WINDOW; k++) s += TAPS[k] * v[base + k];
                rows[y * ow + x] = s;
            }
        double[] out = new double[oh * outW];
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < WINDOW; k++) s += TAPS[k] * rows[(y + k) * ow + x];
                out[y * outW + x] = s;
            }
        return out;
    }

    /** exp(−d²/2σ²) at offsets −5..5, normalised to sum 1 (the 2-D window is their outer product). */
    private static double[] gaussianTaps() {
        double[] taps = new double[WINDOW];
        double sum = 0;
        for (int k = 0; k < WINDOW; k++) {
            double d = k - WINDOW / 2;
            taps[k] = Math.exp(-d * d / (2 * SIGMA * SIGMA));
            sum += taps[k];
        }
        for (int k = 0; k < WINDOW; k++) taps[k] /= sum;
        return taps;
    }
}
