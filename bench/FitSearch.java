import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.classic.ClassicOptions;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.eval.QualityReport;
import dev.tessera.image.Images;
import dev.tessera.image.Resampler;
import dev.tessera.model.SeenLossConfig;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.ImageFit;
import dev.tessera.train.LocalSearch;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.pytorch.Tensor;

/**
 * Experiment: local search from classic on the seen loss; -Dlambda -Drgb -Dchroma -Dcolour=W,W,W -Dk -Dtone -Dguard. Every
 * weight defaults to what `tessera fit` uses (SeenLossConfig.defaults(), colour terms as classic sees them), so a run
 * without flags is fit's search. Args: SIZE SET PHOTO...
 */
public class FitSearch {
    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]);
        TemplateSet set = args[1].equals("glyphs") ? TemplateSet.defaultGlyphs() : TemplateSet.open(Path.of(args[1]));
        SeenLossConfig base = ImageFit.defaultSeen(set);
        SeenLossConfig config = base.withSsimWeight(Double.parseDouble(System.getProperty("lambda", "" + base.ssimWeight())))
                .withRgbWeight(Double.parseDouble(System.getProperty("rgb", "" + base.rgbWeight())))
                .withChromaWeight(Double.parseDouble(System.getProperty("chroma", "" + base.chromaWeight())));
        config = System.getProperty("colour") != null
                ? config.withColourWeights(java.util.Arrays.stream(System.getProperty("colour").split(",")).map(Double::valueOf).toList())
                : ImageFit.coloursAsClassicSees(config, set.analysisSize(), ClassicOptions.defaultSubcells(set, 8));
        int k = Integer.parseInt(System.getProperty("k", "" + ImageFit.defaultCandidates(set)));
        boolean tone = Boolean.parseBoolean(System.getProperty("tone", Boolean.toString(set.isGlyphSet())));
        for (int p = 2; p < args.length; p++) {
            BufferedImage full = Images.read(Path.of(args[p]));
            float[] planes = Resampler.resize(full, new Rectangle(full.getWidth(), full.getHeight()), 0xffffff, size, size);
            BufferedImage image = Images.toImage(Tensor.create(planes, 1, 3, size, size));
            int cell = 8, a = set.analysisSize();
            CellGrid grid = CellGrid.ofCellSize(size, size, cell);
            ClassicMatcher classic = new ClassicMatcher(set, ClassicOptions.defaults(ClassicOptions.defaultSubcells(set, cell), tone));
            IndexMap start = classic.match(image, grid).map();
            int[] s0 = new int[start.cells()];
            for (int i = 0; i < s0.length; i++) s0[i] = start.template(i);
            float[] target = classic.target(image, grid, grid.columns() * a, grid.rows() * a);
            long t0 = System.nanoTime();
            boolean guard = Boolean.getBoolean("guard");
            double budget = guard ? 0 : Double.parseDouble(System.getProperty("budget", "" + ImageFit.defaultPsnrBudget(set)));
            float[] judged = tone && budget > 0 ? Resampler.resize(image, grid.region(), 0xffffff, grid.columns() * a, grid.rows() * a) : null;
            LocalSearch.Result r = LocalSearch.run(target, judged, set.planes(a), set.count(), a, grid.rows(), grid.columns(), config, s0,
                    null, new LocalSearch.Settings(k, 20, guard, budget));
            double secs = (System.nanoTime() - t0) / 1e9;
            IndexMap fitted = new IndexMap(grid.columns(), grid.rows(), cell, r.choice(), new float[r.choice().length], 0, null,
                    set.contentHash(), set.names());
            MosaicRenderer renderer = new MosaicRenderer(set, cell);
            QualityReport c = MosaicQuality.measure(image, renderer.image(start));
            QualityReport f = MosaicQuality.measure(image, renderer.image(fitted));
            String name = Path.of(args[p]).getFileName().toString().replaceFirst("\\.[^.]+$", "");
            System.out.printf(Locale.ROOT, "| %s | λ %s rgb %s chroma %s colour %s k %d tone %s guard %s budget %s | %s | %s | %s | %s | loss %.4g→%.4g, %d changes, %d sweeps, %.1f s |%n",
                    name, config.ssimWeight(), config.rgbWeight(), config.chromaWeight(), config.colourWeights(), k, tone, guard, budget, c.quarter().brief(),
                    f.full().minus(c.full()), f.half().minus(c.half()), f.quarter().minus(c.quarter()), r.startLoss(), r.loss(),
                    r.changes(), r.sweeps(), secs);
        }
    }
}
