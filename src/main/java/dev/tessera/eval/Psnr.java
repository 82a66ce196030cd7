package dev.tessera.eval;

/**
 * Peak signal-to-noise ratio over all three RGB channels, peak 255: 10·log10(255² / MSE), the mean
 * taken over every channel of every pixel. RGB rather than luma because luma alone rewards
 * mosaics that get the brightness right and every hue wrong (DESIGN §6).
 */
public final class Psnr {
    /** The signal peak of 8-bit images. */
    public static final double PEAK = 255;

    private Psnr() {}

    /** PSNR in dB; identical images give {@link Double#POSITIVE_INFINITY} (the error is zero). */
    public static double between(RgbImage a, RgbImage b) {
        Metrics.requireSameSize(a, b);
        double[] x = a.planes(), y = b.planes();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            sum += d * d;
        }
        double mse = sum / x.length;
        return 10 * Math.log10(PEAK * PEAK / mse);
    }
}
