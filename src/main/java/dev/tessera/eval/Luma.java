package dev.tessera.eval;

/** BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B on gamma-encoded 0..255 values, unrounded. */
public final class Luma {
    /** The BT.601 weights, the ones SSIM on 8-bit video and most image tools assume. */
    public static final double R = 0.299;
    public static final double G = 0.587;
    public static final double B = 0.114;

    private Luma() {}

    /** The luma plane of an image, row-major. */
    public static double[] of(RgbImage img) {
        int n = img.width() * img.height();
        double[] p = img.planes();
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = R * p[i] + G * p[n + i] + B * p[2 * n + i];
        return y;
    }
}
