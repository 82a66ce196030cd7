package dev.tessera.train;

import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.image.Resampler;
import dev.tessera.model.MosaicLoss;
import dev.tessera.model.SeenLoss;
import dev.tessera.model.SeenLossConfig;
import dev.tessera.render.IndexMap;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code tessera fit --method logits} end to end, as `fit`, `compare` and the bench experiments run
 * it: the classic solution; the gradient phase ({@link LogitFit} from it, on the given loss, at the
 * analysis size and aiming at the picture classic aims at); then the {@link LocalSearch} on the
 * {@link SeenLoss} from classic's choice, trying for each cell its nearest templates and the
 * gradient phase's choice, guarded (by default) so that no DESIGN §6 figure ends worse than
 * classic's against that picture.
 */
public final class ImageFit {
    /**
     * Templates tried per cell by the local search, nearest by colour. 32 rather than 16: on the
     * 256² astronaut with photo tiles, 16 and 32 found the same with sRGB at 0.25, and the 32 runs
     * (all the guarded rows of bench/RESULTS.md) cost 10–45 s; the guard, not the list, limits what is taken.
     */
    public static final int DEFAULT_CANDIDATES = 32;
    /** Sweeps over all cells at most; the searches measured settled in 3–19. */
    public static final int DEFAULT_SWEEPS = 20;

    /**
     * @param gradient the gradient phase (0 steps: none)
     * @param search the local search
     * @param seen the local search's loss (and the gradient phase's when no other is given)
     */
    public record Settings(LogitFit.Settings gradient, LocalSearch.Settings search, SeenLossConfig seen) {}

    /**
     * @param classic classic's index map (the start)
     * @param fitted the result
     * @param gradient what the gradient phase found (its best hard choice, by its own loss)
     * @param search what the local search found (its loss is the seen loss)
     */
    public record Result(IndexMap classic, IndexMap fitted, LogitFit.Result gradient, LocalSearch.Result search) {}

    private ImageFit() {}

    /**
     * @param gradientLoss the gradient phase's loss; null for the seen loss of {@code settings}
     */
    public static Result run(BufferedImage image, CellGrid grid, TemplateSet set, ClassicMatcher classic, MosaicLoss gradientLoss,
            Settings settings, Consumer<LogitFit.Progress> progress) {
        IndexMap start = classic.match(image, grid).map();
        int[] startChoice = new int[start.cells()];
        for (int i = 0; i < startChoice.length; i++) startChoice[i] = start.template(i);
        int a = set.analysisSize();
        // The loss sees each cell at the templates' analysis size, and the picture classic aims at:
        // tone-mapped when classic's is (measured: aiming at the original's blacks, which a glyph
        // set cannot make, cost glyph fits 0.03–0.19 SSIM; bench/RESULTS.md, "weight-free loss").
        float[] planes = classic.target(image, grid, grid.columns() * a, grid.rows() * a);
        float[] templates = set.planes(a);
        SeenLossConfig seen = coloursAsClassicSees(settings.seen(), a, classic.options().subcells());
        LogitFit.Result gradient;
        float[] distance;
        LocalSearch.Result search;
        try (PointerScope scope = new PointerScope()) {
            Tensor x = Tensor.create(planes, 1, 3, grid.rows() * a, grid.columns() * a);
            Tensor t = set.analysisTensor();
            MosaicLoss loss = gradientLoss != null ? gradientLoss : new SeenLoss(seen);
            gradient = LogitFit.fit(x, t, startChoice, loss, settings.gradient(), progress);
            // No sweeps: the gradient phase's choice is the result (the procedure before the local search, for experiments).
            search = settings.search().maxSweeps() == 0
                    ? new LocalSearch.Result(gradient.choice(), Double.NaN, Double.NaN, 0, 0)
                    : LocalSearch.run(planes, classic.options().toneMap() && settings.search().psnrBudget() > 0
                            ? Resampler.resize(image, grid.region(), 0xffffff, grid.columns() * a, grid.rows() * a) : null,
                            templates, set.count(), a, grid.rows(), grid.columns(), seen, startChoice,
                            gradient.choice(), settings.search());
            distance = LogitFit.chosen(LogitFit.distances(x, t), search.choice());
        }
        IndexMap fitted = new IndexMap(grid.columns(), grid.rows(), grid.cellSize(), search.choice(), distance, 0, null,
                set.contentHash(), set.names());
        return new Result(start, fitted, gradient, search);
    }

    /**
     * The loss with its colour terms kept only at area factors no finer than classic's sub-cells
     * (f·k ≥ s for k sub-cells per side of an s-px cell); the structure terms stay at every factor.
     * With pictures classic matches every pixel (k = 8 at 8-px cells), so every factor keeps its
     * colour term. With glyphs it matches 2×2 sub-cells, because an 8-px glyph's one-pixel strokes
     * resemble no picture region (ClassicOptions.defaultSubcells): compared pixel by pixel as well,
     * glyph fits lost 0.49–0.59 dB at full size, on 7 glyphs; compared at 4×4 averages only, 0.09–0.38
     * dB, for more SSIM (bench/RESULTS.md, "Fit on the loss as seen").
     */
    public static SeenLossConfig coloursAsClassicSees(SeenLossConfig config, int cellSize, int subcells) {
        java.util.List<Double> weights = new java.util.ArrayList<>();
        for (int i = 0; i < config.factors().size(); i++)
            weights.add(config.factors().get(i) * subcells >= cellSize ? config.colourWeights().get(i) : 0.0);
        return config.withColourWeights(weights);
    }

    /**
     * λ, the structure term's weight, for glyph sets. Glyphs reach few of a picture's colours (luma
     * 217–255 at 8 px), so a glyph mosaic is judged by its structure; at the default 0.02 with the 32
     * colour-nearest glyphs the search raised full-size SSIM by +0.004 to +0.010 without the tone map
     * and by +0.013 on rocket with it; at 1, with every glyph tried and the PSNR it costs bounded by
     * {@link #GLYPH_PSNR_BUDGET}, by +0.08 to +0.27 on four photos either way (bench/RESULTS.md,
     * "Glyphs: structure within a PSNR budget").
     */
    public static final double GLYPH_SSIM_WEIGHT = 1.0;
    /**
     * dB of full-size PSNR against classic, measured against the picture itself (not the tone-mapped
     * one the search aims at), that a glyph fit may give up for structure: the bar.
     */
    public static final double GLYPH_PSNR_BUDGET = 0.5;

    /**
     * Templates the search tries per cell: {@link #DEFAULT_CANDIDATES} nearest by colour, or every
     * glyph of a glyph set, whose colour-nearest glyphs for a dark cell are all the densest ones (the
     * blank that gives a flat region its structure is the farthest by colour).
     */
    public static int defaultCandidates(TemplateSet set) {
        return set.isGlyphSet() ? set.count() : DEFAULT_CANDIDATES;
    }

    /** The seen loss's weights: the defaults, with {@link #GLYPH_SSIM_WEIGHT} for glyph sets. */
    public static SeenLossConfig defaultSeen(TemplateSet set) {
        return set.isGlyphSet() ? SeenLossConfig.defaults().withSsimWeight(GLYPH_SSIM_WEIGHT) : SeenLossConfig.defaults();
    }

    /** The PSNR budget of an unguarded search: {@link #GLYPH_PSNR_BUDGET} for glyph sets, else none. */
    public static double defaultPsnrBudget(TemplateSet set) {
        return set.isGlyphSet() ? GLYPH_PSNR_BUDGET : 0;
    }

    /** The defaults of `tessera fit` for this set, with this many gradient steps at this rate. */
    public static Settings defaults(TemplateSet set, int steps, double learningRate) {
        boolean guard = defaultGuard(set);
        return new Settings(new LogitFit.Settings(steps, learningRate, 5), new LocalSearch.Settings(defaultCandidates(set),
                DEFAULT_SWEEPS, guard, guard ? 0 : defaultPsnrBudget(set)), defaultSeen(set));
    }

    /**
     * Whether the local search is guarded by the DESIGN §6 figures unless asked otherwise: yes for
     * sets of pictures, no for glyph sets. Glyphs cannot make a photo's colours (classic with
     * glyphs scores 4–7 dB PSNR and 35–49 ΔE00 on the benchmark photos), so a glyph mosaic is
     * judged by its structure, which the fit raises by giving up a little colour; guarded, it
     * changed almost nothing (SSIM +0.000–0.009; bench/RESULTS.md, "Fit on the loss as seen").
     */
    public static boolean defaultGuard(TemplateSet set) {
        return !set.isGlyphSet();
    }
}
