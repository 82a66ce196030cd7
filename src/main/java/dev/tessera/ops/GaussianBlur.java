package dev.tessera.ops;

import java.util.Arrays;

/**
 * A separable depthwise Gaussian: the same 1-D taps along rows and columns, zero padding before and
 * after each axis, and a stride. Covers the method's viewing-distance blur and both pyramid levels
 * (DESIGN §1 steps 5 and 6).
 */
public record GaussianBlur(float[] taps, int padBefore, int padAfter, int stride) {

    public GaussianBlur {
        if (taps.length < 1) throw new IllegalArgumentException("a blur needs at least one tap");
        if (stride < 1) throw new IllegalArgumentException("blur stride must be >= 1, got " + stride);
        if (padBefore < 0 || padAfter < 0 || padBefore >= taps.length || padAfter >= taps.length)
            throw new IllegalArgumentException("blur padding " + padBefore + "/" + padAfter
                    + " must each be in 0.." + (taps.length - 1));
        taps = taps.clone();
    }

    /**
     * Taps of a normalised Gaussian sampled at offsets i - (size-1)/2 (half-integers when size is
     * even, as the method's 8-tap blur uses).
     */
    public static float[] gaussianTaps(int size, double sigma) {
        double[] w = new double[size];
        double sum = 0;
        for (int i = 0; i < size; i++) {
            double x = i - (size - 1) / 2.0;
            w[i] = Math.exp(-x * x / (2 * sigma * sigma));
            sum += w[i];
        }
        float[] taps = new float[size];
        for (int i = 0; i < size; i++) taps[i] = (float) (w[i] / sum);
        return taps;
    }

    /** The viewing-distance blur: 8×8, σ = 3, padding 3 before / 4 after, stride 1 (same size out). */
    public static GaussianBlur viewing() {
        // σ = 3 at 8-px cells: a template's detail merges into its neighbours', as seen from afar.
        return new GaussianBlur(gaussianTaps(8, 3.0), 3, 4, 1);
    }

    /**
     * Pyramid level s (1 or 2): factor f = 2^s, size f+1, σ = √(f/4), stride f, padding 0 / 1, so
     * an H×W image becomes H/f × W/f (for H, W multiples of f).
     */
    public static GaussianBlur pyramid(int level) {
        if (level < 1 || level > 4) throw new IllegalArgumentException("pyramid level must be 1..4, got " + level);
        int f = 1 << level;
        return new GaussianBlur(gaussianTaps(f + 1, Math.sqrt(f / 4.0)), 0, 1, f);
    }

    public int size() {
        return taps.length;
    }

    @Override
    public float[] taps() {
        return taps.clone();
    }

    float[] tapsUnsafe() {
        return taps;
    }

    /** Output length along an axis of length n. */
    public long outputSize(long n) {
        return (n + padBefore + padAfter - taps.length) / stride + 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GaussianBlur g && Arrays.equals(taps, g.taps) && padBefore == g.padBefore
                && padAfter == g.padAfter && stride == g.stride;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(taps) + 7 * padBefore + 3 * padAfter + stride;
    }

    @Override
    public String toString() {
        return "GaussianBlur" + Arrays.toString(taps) + " pad " + padBefore + "/" + padAfter + " stride " + stride;
    }
}
