package dev.tessera.classic;

import java.util.Arrays;

/**
 * Maps the target's tonal range into the range the template set can reproduce before matching. A
 * set of black glyphs on white cannot make black (its darkest glyph averages well above mid-grey),
 * so without this every dark region collapses onto the one darkest glyph; stretched into the set's
 * range, the target's tones stay apart. The map is affine on each sRGB channel alike (so hues
 * keep their direction), fitted on BT.601 luma; the mosaic is still judged against the original.
 */
record ToneMap(float targetLow, float targetHigh, float setLow, float setHigh) {
    /** Ignores the extreme 1% at each end of the target, so a few specular pixels do not squeeze everything else. */
    private static final double PERCENTILE = 0.01;

    /** Fitted to sub-cell colours (3 planes of n values, sRGB 0..255) and the set's template means. */
    static ToneMap between(float[] planes, ColourSignatures set) {
        int n = planes.length / 3;
        float[] y = new float[n];
        for (int i = 0; i < n; i++) y[i] = luma(planes[i], planes[n + i], planes[2 * n + i]);
        Arrays.sort(y);
        float lo = y[(int) Math.floor(PERCENTILE * (n - 1))], hi = y[(int) Math.ceil((1 - PERCENTILE) * (n - 1))];
        float setLo = Float.MAX_VALUE, setHi = -Float.MAX_VALUE;
        for (int t = 0; t < set.count; t++) {
            float l = luma(set.meanRgb[3 * t], set.meanRgb[3 * t + 1], set.meanRgb[3 * t + 2]);
            setLo = Math.min(setLo, l);
            setHi = Math.max(setHi, l);
        }
        return new ToneMap(lo, hi, setLo, setHi);
    }

    private static float luma(float r, float g, float b) {
        return 0.299f * r + 0.587f * g + 0.114f * b;
    }

    /** Rewrites the planes in place. */
    void apply(float[] planes) {
        float span = targetHigh - targetLow;
        for (int i = 0; i < planes.length; i++) {
            float t = span > 1e-3f ? (planes[i] - targetLow) / span : 0.5f;
            planes[i] = setLow + Math.max(0f, Math.min(1f, t)) * (setHigh - setLow);
        }
    }

    @Override
    public String toString() {
        return String.format("tone map: target luma %.0f..%.0f -> the set's %.0f..%.0f", targetLow, targetHigh, setLow, setHigh);
    }
}
