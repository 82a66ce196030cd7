package dev.tessera.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class CieLabTest {
    @Test
    void whiteIsTheWhitePointAndBlackIsZero() {
        assertArrayEquals(new double[] {100, 0, 0}, CieLab.fromSrgb(255, 255, 255), 1e-9);
        assertArrayEquals(new double[] {0, 0, 0}, CieLab.fromSrgb(0, 0, 0), 1e-12);
    }

    @Test
    void greysHaveNoChroma() {
        for (double v : new double[] {1, 10, 50.5, 128, 200})
            assertArrayEquals(new double[] {0, 0}, java.util.Arrays.copyOfRange(CieLab.fromSrgb(v, v, v), 1, 3), 1e-9);
    }

    @Test
    void primariesHaveTheirPublishedLabValues() {
        // sRGB D65 primaries in CIELAB, as tabulated by common colour references (two decimals).
        assertArrayEquals(new double[] {53.24, 80.09, 67.20}, CieLab.fromSrgb(255, 0, 0), 0.01);
        assertArrayEquals(new double[] {87.73, -86.18, 83.18}, CieLab.fromSrgb(0, 255, 0), 0.01);
        assertArrayEquals(new double[] {32.30, 79.19, -107.86}, CieLab.fromSrgb(0, 0, 255), 0.01);
    }

    @Test
    void darkValuesUseTheLinearSegmentsExactly() {
        // sRGB 1/255 is on the linear toe, so a grey of it has Y = 1/255/12.92 relative to white; that
        // is below (6/29)³, on CIELAB's linear part, where L* = 24389/27 · Y.
        double y = 1.0 / 255 / 12.92;
        assertArrayEquals(new double[] {24389.0 / 27 * y}, new double[] {CieLab.fromSrgb(1, 1, 1)[0]}, 1e-9);
    }
}
