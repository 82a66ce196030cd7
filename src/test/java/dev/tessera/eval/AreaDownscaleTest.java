package dev.tessera.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AreaDownscaleTest {
    @Test
    void fractionalCoverageIsExact() {
        // 5×3 → 2×2: factors 2.5 and 1.5. Along x, output 0 takes source columns 0, 1 whole and half
        // of column 2: (2·a0 + 2·a1 + a2)/5; along y, output 0 takes row 0 and half of row 1: (2·r0 + r1)/3.
        int w = 5, h = 3, n = w * h;
        double[] src = new double[3 * n];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                src[y * w + x] = x + 10 * y;
                src[n + y * w + x] = 7;
            }
        src[2 * n + w + 2] = 100;
        RgbImage out = AreaDownscale.to(RgbImage.of(w, h, src), 2, 2);
        // R = x + 10y is linear: columns give (0+2+2)/5 = 0.8 and (2+6+8)/5 = 3.2, rows 10/3 and 50/3.
        assertArrayEquals(new double[] {0.8 + 10.0 / 3, 3.2 + 10.0 / 3, 0.8 + 50.0 / 3, 3.2 + 50.0 / 3}, plane(out, 0), 1e-12);
        assertArrayEquals(new double[] {7, 7, 7, 7}, plane(out, 1), 1e-12);
        // The centre pixel (2, 1) is split four ways, a fifth times a third of it in each output pixel.
        assertArrayEquals(new double[] {100.0 / 15, 100.0 / 15, 100.0 / 15, 100.0 / 15}, plane(out, 2), 1e-12);
    }

    @Test
    void integerFactorAveragesBlocks() {
        Random rng = new Random();
        RgbImage img = randomImage(rng, 6, 4);
        RgbImage out = AreaDownscale.to(img, 3, 2);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 3; x++) {
                    double block = img.get(c, 2 * x, 2 * y) + img.get(c, 2 * x + 1, 2 * y)
                            + img.get(c, 2 * x, 2 * y + 1) + img.get(c, 2 * x + 1, 2 * y + 1);
                    assertEquals(block / 4, out.get(c, x, y), 1e-12);
                }
    }

    @Test
    void preservesTheMeanOfEveryChannel() {
        Random rng = new Random();
        RgbImage img = randomImage(rng, 37, 23);
        RgbImage out = AreaDownscale.to(img, 10, 7);
        for (int c = 0; c < 3; c++) assertEquals(mean(img, c), mean(out, c), 1e-9);
    }

    @Test
    void decodedImagesDownscaleLikeTheirPixels() {
        Random rng = new Random();
        BufferedImage img = new BufferedImage(29, 17, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 17; y++)
            for (int x = 0; x < 29; x++) img.setRGB(x, y, rng.nextInt(1 << 24));
        RgbImage viaPixels = AreaDownscale.to(RgbImage.of(img), 8, 5);
        RgbImage direct = AreaDownscale.to(img, 8, 5);
        for (int c = 0; c < 3; c++) assertArrayEquals(plane(viaPixels, c), plane(direct, c), 0);
    }

    @Test
    void sameSizeKeepsThePixelsAndLargerIsRefused() {
        RgbImage img = randomImage(new Random(), 9, 4);
        RgbImage same = AreaDownscale.to(img, 9, 4);
        for (int c = 0; c < 3; c++) assertArrayEquals(plane(img, c), plane(same, c), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> AreaDownscale.to(img, 10, 4));
    }

    @Test
    void halfAndQuarterSidesRoundHalfUp() {
        assertEquals(129, AreaDownscale.scaledSide(257, 2));
        assertEquals(64, AreaDownscale.scaledSide(257, 4));
        assertEquals(65, AreaDownscale.scaledSide(258, 4));
        assertEquals(1, AreaDownscale.scaledSide(1, 4));
    }

    private static double[] plane(RgbImage img, int c) {
        double[] p = new double[img.width() * img.height()];
        for (int y = 0; y < img.height(); y++)
            for (int x = 0; x < img.width(); x++) p[y * img.width() + x] = img.get(c, x, y);
        return p;
    }

    private static double mean(RgbImage img, int c) {
        double s = 0;
        for (double v : plane(img, c)) s += v;
        return s / (img.width() * img.height());
    }

    private static RgbImage randomImage(Random rng, int w, int h) {
        double[] v = new double[3 * w * h];
        for (int i = 0; i < v.length; i++) v[i] = 255 * rng.nextDouble();
        return RgbImage.of(w, h, v);
    }
}
