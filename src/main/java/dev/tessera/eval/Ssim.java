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
        double[] mx = smooth(x, width, height), my = smooth(y, width, height);
        double[] mxx = smooth(xx, width, height), myy = smooth(yy, width, height), mxy = smooth(xy, width, height);
        double sum = 0;
        for (int i = 0; i < mx.length; i++) {
            double ux = mx[i], uy = my[i];
            double vx = mxx[i] - ux * ux, vy = myy[i] - uy * uy, cxy = mxy[i] - ux * uy;
            sum += (2 * ux * uy + C1) * (2 * cxy + C2) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
        }
        return sum / mx.length;
    }

    /** Gaussian-weighted window means over the valid region: (width−10)×(height−10), separably. */
    private static double[] smooth(double[] v, int width, int height) {
        int ow = width - WINDOW + 1, oh = height - WINDOW + 1;
        double[] rows = new double[ow * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < WINDOW; k++) s += TAPS[k] * v[y * width + x + k];
                rows[y * ow + x] = s;
            }
        double[] out = new double[ow * oh];
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < WINDOW; k++) s += TAPS[k] * rows[(y + k) * ow + x];
                out[y * ow + x] = s;
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
