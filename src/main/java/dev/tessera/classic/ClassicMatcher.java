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

    /** Cells × templates up to which --fair is solved exactly (the 10^4 × 10^4, about 15 s on 2 cores). */
    static final long FAIR_EXACT_LIMIT = 100_000_000L;

    /** What one image's matching produced, and notes for the user (tone map, fair-assignment bound); "" when none. */
    public record Match(IndexMap map, CellGrid grid, String notes) {}

    public Match match(BufferedImage image, CellGrid grid) {
        ToneMap[] tone = new ToneMap[1];
        ColourSignatures cells = ColourSignatures.ofCells(image, grid, options.subcells(), options.toneMap() ? templates : null, tone);
        int[] choice = new int[grid.cells()];
        float[] score = new float[grid.cells()];
        String fairNote = null;
        if (options.fair()) {
            fairNote = fair(cells, choice, score);
        } else if (options.minDistance() == 0 && options.maxUses() == 0) {
            NearestSearch.Neighbours best = PrunedNearest.applies(options.subcells()) ? PrunedNearest.search(cells, templates)
                    : NearestSearch.search(cells.features, templates.features, cells.dims(), 1);
            System.arraycopy(best.indices(), 0, choice, 0, choice.length);
            System.arraycopy(best.distances(), 0, score, 0, score.length);
        } else {
            new RepetitionLimits(grid, options.minDistance(), options.maxUses(), templates.count)
                    .assign(cells, templates, choice, score);
        }
        float tint = (float) options.tint();
        IndexMap map = new IndexMap(grid.columns(), grid.rows(), grid.cellSize(), choice, score, tint,
                tint > 0 ? cells.meanRgb : null, set.contentHash(), set.names());
        String notes = String.join("; ", java.util.stream.Stream.of(tone[0] == null ? null : tone[0].toString(), fairNote)
                .filter(java.util.Objects::nonNull).toList());
        return new Match(map, grid, notes);
    }

    /**
     * The picture as this matcher aims at it, at any size: the grid's region (transparency on white)
     * resized to width×height, 3 planes of sRGB 0..255, tone-mapped with the very map
     * {@link #match} fits when tone mapping is on. What an optimiser started from classic should
     * aim at, so that both aim at the same picture (a glyph set cannot make the original's blacks).
     */
    public float[] target(BufferedImage image, CellGrid grid, int width, int height) {
        float[] planes = dev.tessera.image.Resampler.resize(image, grid.region(), 0xffffff, width, height);
        if (options.toneMap()) {
            ToneMap[] tone = new ToneMap[1];
            ColourSignatures.ofCells(image, grid, options.subcells(), templates, tone);
            tone[0].apply(planes);
        }
        return planes;
    }

    /**
     * Every template used ⌊cells/N⌋ or ⌈cells/N⌉ times at the least total distance: exact up to
     * {@link #FAIR_EXACT_LIMIT} cell-template pairs, beyond that one round of the solver with its
     * proven bound on the gap to the optimum, reported.
     */
    private String fair(ColourSignatures cells, int[] choice, float[] score) {
        long pairs = (long) cells.count * templates.count;
        FairAssignment.Settings settings = pairs <= FAIR_EXACT_LIMIT ? FairAssignment.Settings.exact()
                : FairAssignment.Settings.exact().withMaxRounds(1);
        FairAssignment.Result r = FairAssignment.solve(cells.features, templates.features, cells.dims(), settings);
        for (int i = 0; i < choice.length; i++) {
            choice[i] = r.templateOfCell()[i];
            score[i] = (float) cells.squaredDistance(i, templates, choice[i]);
        }
        return r.provenOptimal() ? "fair assignment: optimal"
                : String.format("fair assignment: within %.3g of optimal (%.2g%% of the total cost %.4g)", r.gapBound(),
                        100 * r.gapBound() / Math.max(r.totalCost(), 1e-30), r.totalCost());
    }

    /** Numbers in one cell's (or template's) signature: 6 per sub-cell (Oklab L, a and b times the chroma weight, sRGB/255 times its weight). */
    public int signatureLength() {
        return templates.dims();
    }

    /** Each template's signature as {@link #match} compares it, N × {@link #signatureLength()}, row-major (a copy). */
    public float[] templateSignatures() {
        return templates.features.clone();
    }

    /**
     * Each cell's signature as {@link #match} compares it (tone-mapped when tone mapping is on),
     * cells × {@link #signatureLength()}, row-major: the match cost is the squared Euclidean distance
     * to a template's.
     */
    public float[] cellSignatures(BufferedImage image, CellGrid grid) {
        return ColourSignatures.ofCells(image, grid, options.subcells(), options.toneMap() ? templates : null, new ToneMap[1]).features;
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
                + (options.maxUses() > 0 ? ", max uses " + options.maxUses() : "") + (options.fair() ? ", fair" : "")
                + (options.tint() > 0 ? ", tint " + options.tint() : "") + (options.toneMap() ? ", tone-mapped" : "")
                + "; " + templates.count + " templates";
    }
}
