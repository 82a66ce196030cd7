package dev.tessera.eval;

import java.util.Locale;

/**
 * The three DESIGN §6 figures at one viewing scale.
 *
 * @param factor   1 at the input's size, 2 at ½, 4 at ¼
 * @param width    width of the compared images at this scale
 * @param height   height of the compared images at this scale
 * @param psnr     PSNR over RGB in dB; +∞ when the images are identical
 * @param ssim     mean SSIM of luma; NaN when the images are smaller than the 11×11 window
 * @param deltaE00 mean CIEDE2000 colour difference
 */
public record ScaleFigures(int factor, int width, int height, double psnr, double ssim, double deltaE00) {
    /** Measures a pair of images of the same size, seen at the given scale factor. */
    public static ScaleFigures measure(int factor, RgbImage input, RgbImage mosaic) {
        return new ScaleFigures(factor, input.width(), input.height(),
                Psnr.between(input, mosaic), Ssim.onLuma(input, mosaic), Ciede2000.mean(input, mosaic));
    }

    /** "PSNR / SSIM / CIEDE2000" as the tables of bench/RESULTS.md print them: 0.01 dB, 0.0001, 0.01. */
    public String brief() {
        return String.format(Locale.ROOT, "%.2f / %.4f / %.2f", psnr, ssim, deltaE00);
    }

    /** This minus {@code other}, figure by figure, signed, as {@link #brief} (lower CIEDE2000 is better). */
    public String minus(ScaleFigures other) {
        return String.format(Locale.ROOT, "%+.2f / %+.4f / %+.2f", psnr - other.psnr, ssim - other.ssim, deltaE00 - other.deltaE00);
    }
}
