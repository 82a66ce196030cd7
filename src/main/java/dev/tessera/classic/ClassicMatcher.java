package dev.tessera.classic;

import dev.tessera.ops.NearestSearch;
import dev.tessera.render.IndexMap;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;

/**
 * Classic photomosaic matching (the peers' method): every cell gets the template whose k×k
 * sub-cell colours are nearest in Oklab, subject to the repetition limits. The template side is
 * analysed once per matcher, so one matcher serves a whole batch (it is immutable and thread-safe).
 */
public final class ClassicMatcher {
    private final TemplateSet set;
    private final ClassicOptions options;
    private final ColourSignatures templates;

    public ClassicMatcher(TemplateSet set, ClassicOptions options) {
        this.set = set;
        this.options = options;
        this.templates = ColourSignatures.ofTemplates(set, options.subcells());
    }

    /** What one image's matching produced, and the tone map used (null when off). */
    public record Match(IndexMap map, CellGrid grid, String toneMap) {}

    public Match match(BufferedImage image, CellGrid grid) {
        ToneMap[] tone = new ToneMap[1];
        ColourSignatures cells = ColourSignatures.ofCells(image, grid, options.subcells(), options.toneMap() ? templates : null, tone);
        int[] choice = new int[grid.cells()];
        float[] score = new float[grid.cells()];
        if (options.minDistance() == 0 && options.maxUses() == 0) {
            NearestSearch.Neighbours best = NearestSearch.search(cells.features, templates.features, cells.dims(), 1);
            System.arraycopy(best.indices(), 0, choice, 0, choice.length);
            System.arraycopy(best.distances(), 0, score, 0, score.length);
        } else {
            new RepetitionLimits(grid, options.minDistance(), options.maxUses(), templates.count)
                    .assign(cells, templates, choice, score);
        }
        float tint = (float) options.tint();
        IndexMap map = new IndexMap(grid.columns(), grid.rows(), grid.cellSize(), choice, score, tint,
                tint > 0 ? cells.meanRgb : null, set.contentHash(), set.names());
        return new Match(map, grid, tone[0] == null ? null : tone[0].toString());
    }

    public TemplateSet templateSet() {
        return set;
    }

    public ClassicOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "classic matching, " + options.subcells() + "x" + options.subcells() + " sub-cells in Oklab"
                + (options.minDistance() > 0 ? ", min distance " + options.minDistance() : "")
                + (options.maxUses() > 0 ? ", max uses " + options.maxUses() : "")
                + (options.tint() > 0 ? ", tint " + options.tint() : "") + (options.toneMap() ? ", tone-mapped" : "")
                + "; " + templates.count + " templates";
    }
}
