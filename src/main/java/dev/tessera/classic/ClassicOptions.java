package dev.tessera.classic;

import dev.tessera.templates.TemplateSet;

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

    /**
     * Sub-cells per side when none are asked for. Pictures: as many as the cell has pixels, up to
     * 16 (measured against metapixel, bench/RESULTS.md). Glyphs: 2, since an 8-px glyph's strokes
     * are single pixels that no smooth picture region resembles; matched pixel by pixel, every light
     * cell became the blank glyph (astronaut at 8-px cells, SSIM at ¼ size: k=8 0.18, k=4 0.24,
     * k=2 0.30, k=1 0.23).
     */
    public static int defaultSubcells(TemplateSet set, int cellSize) {
        return set.isGlyphSet() ? Math.min(2, cellSize) : Math.max(1, Math.min(16, cellSize));
    }

    /** k×k sub-cells, repeats allowed, no tint, tone mapping as given. */
    public static ClassicOptions defaults(int subcells, boolean toneMap) {
        return new ClassicOptions(subcells, 0, 0, false, 0, toneMap);
    }
}
