import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.classic.ClassicOptions;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.eval.QualityReport;
import dev.tessera.image.Images;
import dev.tessera.image.Resampler;
import dev.tessera.model.SeenLossConfig;
import dev.tessera.model.ViewingLoss;
import dev.tessera.model.ViewingLossConfig;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.ImageFit;
import dev.tessera.train.LocalSearch;
import dev.tessera.train.LogitFit;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Bench experiment (issue 6: settle the weight-free loss by measurement). Run from the repository
 * root after a build:
 *
 * <pre>java -cp target/tessera.jar bench/LossVariants.java SIZE STEPS SET_DIR PHOTO...</pre>
 *
 * For each photo (area-resized to SIZE², 8-px cells), each template set (the default glyphs and
 * the prepared set at SET_DIR) and each variant of the viewing loss, runs `tessera fit`'s logit
 * optimisation (LibTorch seed 0) from the classic solution and prints a Markdown row: classic's
 * DESIGN §6 figures at ¼ size (PSNR over RGB, SSIM on luma, mean CIEDE2000) and the fit's
 * differences from them at full, ½ and ¼ size. Deterministic on one machine. SETS chooses the sets
 * ("glyphs", "tiles" or "glyphs,tiles") through the system property {@code sets}.
 */
public class LossVariants {
    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]), steps = Integer.parseInt(args[1]);
        TemplateSet photos = TemplateSet.open(Path.of(args[2]));
        Map<String, TemplateSet> sets = new LinkedHashMap<>();
        String which = System.getProperty("sets", "glyphs,tiles");
        if (which.contains("glyphs")) sets.put("glyphs", TemplateSet.defaultGlyphs());
        if (which.contains("tiles")) sets.put("photo tiles", photos);
        Map<String, ViewingLossConfig> variants = new LinkedHashMap<>();
        ViewingLossConfig d = ViewingLossConfig.defaults();
        variants.put("viewing loss default: scales 0,1,2, λ 0.02", d);
        variants.put("λ 0 (Oklab MSE only)", d.withSsimWeight(0));
        variants.put("λ 0.002", d.withSsimWeight(0.002));
        variants.put("λ 0.02", d.withSsimWeight(0.02));
        variants.put("scale 0 only", d.withScales(List.of(0)));
        variants.put("scales 1,2 only", d.withScales(List.of(1, 2)));
        variants.put("no viewing blur", d.withoutViewingBlur());
        variants.put("+ sRGB MSE ×1", d.withRgbWeight(1));
        variants.put("no viewing blur, + sRGB MSE ×1", d.withoutViewingBlur().withRgbWeight(1));
        variants.put("λ 0.05", d.withSsimWeight(0.05));
        variants.put("seen loss (fit's default since the local search)", null);
        String only = System.getProperty("variants");  // e.g. -Dvariants=6,7,8 (0-based rows above)
        if (only != null) {
            List<String> keys = new ArrayList<>(variants.keySet());
            Map<String, ViewingLossConfig> chosen = new LinkedHashMap<>();
            for (String i : only.split(",")) chosen.put(keys.get(Integer.parseInt(i.trim())), variants.get(keys.get(Integer.parseInt(i.trim()))));
            // (a null config is the seen loss)
            variants = chosen;
        }
        // One LibTorch thread: several runs go side by side, and OpenMP threads waiting at barriers on a
        // shared machine made a 300-step fit take minutes.
        torch.set_num_threads(1);
        System.out.println("| variant | set | photo | classic at ¼: PSNR / SSIM / ΔE00 | fit − classic at 1 | at ½ | at ¼ | fit better at ¼ on |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Map.Entry<String, ViewingLossConfig> v : variants.entrySet())
            for (Map.Entry<String, TemplateSet> s : sets.entrySet())
                for (int p = 3; p < args.length; p++) {
                    BufferedImage full = Images.read(Path.of(args[p]));
                    float[] planes = Resampler.resize(full, new Rectangle(full.getWidth(), full.getHeight()), 0xffffff, size, size);
                    BufferedImage image = Images.toImage(Tensor.create(planes, 1, 3, size, size));
                    long t0 = System.nanoTime();
                    String[] figures = fitAndMeasure(image, s.getValue(), v.getValue(), steps);
                    String name = Path.of(args[p]).getFileName().toString().replaceFirst("\\.[^.]+$", "");
                    System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", v.getKey(), s.getKey(), name,
                            figures[0], figures[1], figures[2], figures[3], figures[4]);
                    System.err.printf(Locale.ROOT, "%s / %s / %s: %.0f s%n", v.getKey(), s.getKey(), name, (System.nanoTime() - t0) / 1e9);
                }
    }

    private static String[] fitAndMeasure(BufferedImage image, TemplateSet set, ViewingLossConfig config, int steps) {
        int cell = 8, a = set.analysisSize();
        CellGrid grid = CellGrid.ofCellSize(image.getWidth(), image.getHeight(), cell);
        // -Dtone=true|false overrides classic's default (on for glyphs); -Dsweeps=N adds `fit`'s local search (default 0: the
        // gradient phase alone, as these tables were first measured).
        boolean tone = Boolean.parseBoolean(System.getProperty("tone", Boolean.toString(set.isGlyphSet())));
        ClassicMatcher classic = new ClassicMatcher(set, ClassicOptions.defaults(ClassicOptions.defaultSubcells(set, cell), tone));
        torch.manual_seed(0);
        ImageFit.Settings settings = new ImageFit.Settings(new LogitFit.Settings(steps, 0.05, 5),
                new LocalSearch.Settings(ImageFit.DEFAULT_CANDIDATES, Integer.getInteger("sweeps", 0),
                        Boolean.parseBoolean(System.getProperty("guard", Boolean.toString(ImageFit.defaultGuard(set))))),
                SeenLossConfig.defaults());
        ImageFit.Result result = ImageFit.run(image, grid, set, classic, config == null ? null : new ViewingLoss(config), settings, p -> {});
        IndexMap start = result.classic(), fitted = result.fitted();
        MosaicRenderer renderer = new MosaicRenderer(set, cell);
        QualityReport c = MosaicQuality.measure(image, renderer.image(start));
        QualityReport f = MosaicQuality.measure(image, renderer.image(fitted));
        List<String> better = new ArrayList<>();
        if (f.quarter().psnr() > c.quarter().psnr()) better.add("PSNR");
        if (f.quarter().ssim() > c.quarter().ssim()) better.add("SSIM");
        if (f.quarter().deltaE00() < c.quarter().deltaE00()) better.add("ΔE00");
        return new String[] {c.quarter().brief(), f.full().minus(c.full()), f.half().minus(c.half()), f.quarter().minus(c.quarter()),
                better.isEmpty() ? "none" : String.join(", ", better)};
    }
}
