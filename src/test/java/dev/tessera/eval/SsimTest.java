package dev.tessera.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SsimTest {
    private static final double C1 = (0.01 * 255) * (0.01 * 255);
    private static final double C2 = (0.03 * 255) * (0.03 * 255);

    @Test
    void identicalImagesScoreOne() {
        double[] x = random(new Random(), 31, 19, 0, 255);
        assertEquals(1.0, Ssim.mean(x, x.clone(), 31, 19), 1e-15);
        RgbImage img = RgbImage.of(12, 14, random(new Random(), 12 * 3, 14, 0, 255));
        assertEquals(1.0, Ssim.onLuma(img, RgbImage.of(12, 14, Arrays.copyOf(img.planes(), 3 * 12 * 14))), 1e-15);
    }

    @Test
    void flatImagesScoreTheLuminanceTermByHand() {
        // No variance anywhere: SSIM = (2·μx·μy + C1) / (μx² + μy² + C1) in every window.
        double[] x = new double[11 * 11], y = new double[11 * 11];
        Arrays.fill(x, 100);
        Arrays.fill(y, 110);
        assertEquals(22006.5025 / 22106.5025, Ssim.mean(x, y, 11, 11), 1e-12);
        double[] black = new double[16 * 12], white = new double[16 * 12];
        Arrays.fill(white, 255);
        assertEquals(6.5025 / (65025 + 6.5025), Ssim.mean(black, white, 16, 12), 1e-15);
    }

    @Test
    void separableFilterAgreesWithDirectWindowSums() {
        Random rng = new Random();
        int w = 23 + rng.nextInt(8), h = 17 + rng.nextInt(8);
        double[] x = random(rng, w, h, 0, 255);
        double[] noisy = new double[x.length], unrelated = random(rng, w, h, 0, 255);
        for (int i = 0; i < x.length; i++) noisy[i] = Math.min(255, Math.max(0, x[i] + 30 * rng.nextGaussian()));
        for (double[] y : new double[][] {noisy, unrelated, x}) {
            double expected = directSsim(x, y, w, h);
            assertEquals(expected, Ssim.mean(x, y, w, h), 1e-9);
        }
        assertTrue(directSsim(x, noisy, w, h) > directSsim(x, unrelated, w, h), "a noisy copy is more similar than noise");
    }

    @Test
    void onLumaComparesBt601Luma() {
        Random rng = new Random();
        int w = 13, h = 15, n = w * h;
        double[] a = random(rng, 3 * w, h, 0, 255), b = random(rng, 3 * w, h, 0, 255);
        double[] ya = new double[n], yb = new double[n];
        for (int i = 0; i < n; i++) {
            ya[i] = 0.299 * a[i] + 0.587 * a[n + i] + 0.114 * a[2 * n + i];
            yb[i] = 0.299 * b[i] + 0.587 * b[n + i] + 0.114 * b[2 * n + i];
        }
        assertEquals(Ssim.mean(ya, yb, w, h), Ssim.onLuma(RgbImage.of(w, h, a), RgbImage.of(w, h, b)), 1e-12);
    }

    @Test
    void imagesSmallerThanTheWindowHaveNoScore() {
        assertTrue(Double.isNaN(Ssim.mean(new double[10 * 40], new double[10 * 40], 10, 40)));
    }

    /**
     * SSIM written out as in Wang et al.: for every window wholly inside the image, a 2-D Gaussian
     * weight table, weighted means, then centred second moments (two passes), then the formula.
     */
    private static double directSsim(double[] x, double[] y, int w, int h) {
        double[][] g = new double[11][11];
        double total = 0;
        for (int i = 0; i < 11; i++)
            for (int j = 0; j < 11; j++) total += g[i][j] = Math.exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * 1.5 * 1.5));
        double sum = 0;
        int windows = 0;
        for (int top = 0; top + 11 <= h; top++)
            for (int left = 0; left + 11 <= w; left++) {
                double mx = 0, my = 0;
                for (int i = 0; i < 11; i++)
                    for (int j = 0; j < 11; j++) {
                        int p = (top + i) * w + left + j;
                        mx += g[i][j] / total * x[p];
                        my += g[i][j] / total * y[p];
                    }
                double vx = 0, vy = 0, cxy = 0;
                for (int i = 0; i < 11; i++)
                    for (int j = 0; j < 11; j++) {
                        int p = (top + i) * w + left + j;
                        double dx = x[p] - mx, dy = y[p] - my, wt = g[i][j] / total;
                        vx += wt * dx * dx;
                        vy += wt * dy * dy;
                        cxy += wt * dx * dy;
                    }
                sum += (2 * mx * my + C1) * (2 * cxy + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
                windows++;
            }
        return sum / windows;
    }

    private static double[] random(Random rng, int w, int h, double lo, double hi) {
        double[] v = new double[w * h];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rng.nextDouble();
        return v;
    }
}
