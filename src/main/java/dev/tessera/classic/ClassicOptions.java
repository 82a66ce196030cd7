package dev.tessera.classic;

/**
 * How classic matching chooses: {@code subcells} k (k×k sub-cell colours per cell, 1..16; the
 * peers use 4 or 5, and up to the cell's size in pixels more is better: measured in bench/RESULTS.md),
 * repetition limits (0 = none) or a fair assignment, tint strength 0..1, and whether the target's
 * tones are mapped into the set's range first.
 */
public record ClassicOptions(int subcells, int minDistance, int maxUses, boolean fair, double tint, boolean toneMap) {
    public ClassicOptions {
        if (subcells < 1 || subcells > 16) throw new IllegalArgumentException("--subcells must be 1..16, got " + subcells);
        if (minDistance < 0) throw new IllegalArgumentException("--min-distance must be >= 0, got " + minDistance);
        if (maxUses < 0) throw new IllegalArgumentException("--max-uses must be >= 0 (0: unlimited), got " + maxUses);
        if (!(tint >= 0 && tint <= 1)) throw new IllegalArgumentException("--tint must be in 0..1, got " + tint);
        if (fair && (minDistance > 0 || maxUses > 0))
            throw new IllegalArgumentException("--fair decides every template's uses itself; drop --min-distance and --max-uses");
    }

    /** k×k sub-cells, repeats allowed, no tint, tone mapping as given. */
    public static ClassicOptions defaults(int subcells, boolean toneMap) {
        return new ClassicOptions(subcells, 0, 0, false, 0, toneMap);
    }
}
