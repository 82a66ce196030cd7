package dev.tessera.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PsnrTest {
    @Test
    void countsEveryChannelOfEveryPixel() {
        // 2×1 pixels, six values; one of them off by 10: MSE = 100/6, PSNR = 10·log10(255²·6/100).
        RgbImage a = RgbImage.of(2, 1, new double[] {0, 50, 100, 150, 200, 250});
        RgbImage b = RgbImage.of(2, 1, new double[] {0, 50, 110, 150, 200, 250});
        assertEquals(35.9123161125, Psnr.between(a, b), 1e-9);
    }

    @Test
    void uniformOffsetOfTenIs28Point13Decibels() {
        RgbImage a = RgbImage.of(1, 1, new double[] {100, 100, 100});
        RgbImage b = RgbImage.of(1, 1, new double[] {110, 90, 110});
        assertEquals(28.1308036087, Psnr.between(a, b), 1e-9);
    }

    @Test
    void identicalImagesAreInfinite() {
        RgbImage a = RgbImage.of(2, 2, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        assertEquals(Double.POSITIVE_INFINITY, Psnr.between(a, a));
    }

    @Test
    void refusesImagesOfDifferentSizes() {
        assertThrows(IllegalArgumentException.class,
                () -> Psnr.between(RgbImage.of(1, 2, new double[6]), RgbImage.of(2, 1, new double[6])));
    }
}
