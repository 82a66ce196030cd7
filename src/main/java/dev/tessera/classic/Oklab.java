package dev.tessera.classic;

/**
 * sRGB (0..255) to Oklab (Björn Ottosson, 2020): a perceptual space in which Euclidean distance
 * tracks how different two colours look, which is what matching cells to templates needs.
 */
final class Oklab {
    private static final float[] LINEAR = new float[256];

    static {
        for (int i = 0; i < 256; i++) LINEAR[i] = (float) toLinear(i / 255.0);
    }

    private Oklab() {}

    static double toLinear(double c) {
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    /** Writes L, a, b of the sRGB colour (r, g, b in 0..255, fractional allowed) at out[off..off+2]. */
    static void fromSrgb(float r, float g, float b, float[] out, int off) {
        double lr = linear(r), lg = linear(g), lb = linear(b);
        double l = cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb);
        double m = cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb);
        double s = cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb);
        out[off] = (float) (0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s);
        out[off + 1] = (float) (1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s);
        out[off + 2] = (float) (0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s);
    }

    /**
     * Cube root of x ≥ 0 (0 for x ≤ 0): a first guess from the exponent bits, then three Halley
     * steps (each cubes the relative error: ≤ 6%, then ~1e-5, ~1e-15, below a double's rounding).
     * Math.cbrt is StrictMath's, pure Java in JDK 17 without an intrinsic; it took a fifth of the
     * Java samples of a single classic run (three cube roots per sub-cell, 2 million a run).
     */
    static double cbrt(double x) {
        if (!(x > 0)) return 0;
        // Exponent divided by 3 and re-biased: bits/3 + (2/3)·1023·2^52, tuned down for a smaller first error.
        double y = Double.longBitsToDouble(Double.doubleToRawLongBits(x) / 3 + 0x2A9F7893782DA1CEL);
        for (int i = 0; i < 3; i++) {
            double y3 = y * y * y;
            y *= (y3 + 2 * x) / (2 * y3 + x);  // the ratio first: y·(y³ + 2x) overflows for x near 1e300
        }
        return y;
    }

    private static double linear(float v) {
        if (v <= 0) return 0;
        if (v >= 255) return 1;
        int i = (int) v;
        if (i == v) return LINEAR[i];
        return toLinear(v / 255.0);
    }
}
