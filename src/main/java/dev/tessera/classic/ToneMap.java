package dev.tessera.classic;

import java.util.Arrays;

/**
 * Maps the target's lightness range into the range the template set can reproduce before
 * matching. A set of black glyphs on white cannot make black (its darkest glyph averages about
 * 185/255), so without this every dark region collapses onto the one darkest glyph; stretched into
 * the set's range, the target's tones are kept apart. The mosaic is still judged against the
 * original picture.
 */
record ToneMap(float targetLow, float targetHigh, float setLow, float setHigh) {
    /** Ignores the extreme 1% at each end of the target, so a few specular pixels do not compress everything else. */
    private static final double PERCENTILE = 0.01;

    static ToneMap between(ColourSignatures target, ColourSignatures set) {
        float[] tl = lightness(target);
        Arrays.sort(tl);
        float lo = tl[(int) Math.floor(PERCENTILE * (tl.length - 1))], hi = tl[(int) Math.ceil((1 - PERCENTILE) * (tl.length - 1))];
        // The set's range: the darkest and lightest template on average (what a whole cell can show).
        float setLo = Float.MAX_VALUE, setHi = -Float.MAX_VALUE;
        int k2 = set.subcells * set.subcells;
        for (int i = 0; i < set.count; i++) {
            double sum = 0;
            for (int j = 0; j < k2; j++) sum += set.oklab[(i * k2 + j) * 3];
            setLo = Math.min(setLo, (float) (sum / k2));
            setHi = Math.max(setHi, (float) (sum / k2));
        }
        return new ToneMap(lo, hi, setLo, setHi);
    }

    /** Rewrites the L of every sub-cell of {@code target} in place. */
    void apply(ColourSignatures target) {
        float span = targetHigh - targetLow;
        for (int i = 0; i < target.oklab.length; i += 3) {
            float t = span > 1e-6f ? (target.oklab[i] - targetLow) / span : 0.5f;
            target.oklab[i] = setLow + Math.max(0f, Math.min(1f, t)) * (setHigh - setLow);
        }
    }

    private static float[] lightness(ColourSignatures s) {
        float[] l = new float[s.oklab.length / 3];
        for (int i = 0; i < l.length; i++) l[i] = s.oklab[3 * i];
        return l;
    }

    @Override
    public String toString() {
        return String.format("tone map: target lightness %.3f..%.3f -> the set's %.3f..%.3f (Oklab L)",
                targetLow, targetHigh, setLow, setHigh);
    }
}
