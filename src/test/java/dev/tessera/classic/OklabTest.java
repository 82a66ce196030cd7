package dev.tessera.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OklabTest {
    /** Reference values from Björn Ottosson's Oklab post (sRGB primaries and white). */
    @Test
    void primariesAndWhiteMatchThePublishedValues() {
        float[] out = new float[3];
        Oklab.fromSrgb(255, 255, 255, out, 0);
        assertEquals(1.0, out[0], 1e-4);
        assertEquals(0.0, out[1], 1e-4);
        assertEquals(0.0, out[2], 1e-4);
        Oklab.fromSrgb(255, 0, 0, out, 0);
        assertEquals(0.62796, out[0], 1e-4);
        assertEquals(0.22486, out[1], 1e-4);
        assertEquals(0.12585, out[2], 1e-4);
        Oklab.fromSrgb(0, 255, 0, out, 0);
        assertEquals(0.86644, out[0], 1e-4);
        assertEquals(-0.23389, out[1], 1e-4);
        assertEquals(0.17950, out[2], 1e-4);
        Oklab.fromSrgb(0, 0, 255, out, 0);
        assertEquals(0.45201, out[0], 1e-4);
        assertEquals(-0.03246, out[1], 1e-4);
        assertEquals(-0.31153, out[2], 1e-4);
        Oklab.fromSrgb(0, 0, 0, out, 0);
        assertEquals(0.0, out[0], 0.0);
    }

    /** The fast cube root against StrictMath's over the range Oklab feeds it and far beyond. */
    @Test
    void cubeRootAgreesWithStrictMathToRounding() {
        SplittableRandom rnd = new SplittableRandom();
        long seed = rnd.nextLong();
        rnd = new SplittableRandom(seed);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            double x = i < 100_000 ? rnd.nextDouble() : Math.pow(10, rnd.nextDouble(-300, 300));
            double expected = StrictMath.cbrt(x), actual = Oklab.cbrt(x);
            worst = Math.max(worst, Math.abs(actual - expected) / expected);
        }
        for (double x : new double[] {1, 8, 27, 1e-12, Double.MIN_NORMAL, 1e300, 0.5})
            worst = Math.max(worst, Math.abs(Oklab.cbrt(x) - StrictMath.cbrt(x)) / StrictMath.cbrt(x));
        // A few ulps of a double (the last Halley step rounds); Oklab keeps floats, 1.2e-7 apart.
        assertEquals(0.0, worst, 1e-15, "worst relative error, seed " + seed);
        assertEquals(0.0, Oklab.cbrt(0), 0.0);
        assertEquals(0.0, Oklab.cbrt(-1), 0.0);
    }
}
