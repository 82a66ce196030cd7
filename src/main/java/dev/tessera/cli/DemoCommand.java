package dev.tessera.cli;

import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.classic.ClassicOptions;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.eval.QualityReport;
import dev.tessera.image.Images;
import dev.tessera.ops.GaussianBlur;
import dev.tessera.ops.Ops;
import dev.tessera.ops.OpsReference;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.GlyphText;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.ImageFit;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's main job: a classic glyph mosaic of a sample picture (image, text, HTML and index
 * map), its quality figures at viewing distance, the picture as the method sees it from afar (the
 * viewing blur, then both pyramid levels) computed by the native kernels, checked against and
 * timed against their LibTorch composites, and classic against fit with the glyphs and with a
 * colour set, each as a `compare` report (input | classic | fit, and the figures).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run Tessera on a sample image and write the results to a folder.")
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--input"}, description = "Input image (default: the bundled samples/astronaut.png).")
    Path input;

    @Option(names = {"-o", "--output"}, defaultValue = "demo-out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path output;

    /**
     * Fit steps per set: enough for the β ramp to finish (over the first 15), and the whole demo well
     * under two minutes on 2 cores (60 took it to 107 s once glyph fits tried every glyph; the
     * gradient phase changed neither set's result: bench/RESULTS.md, "Glyphs: structure within a PSNR budget").
     */
    static final int FIT_STEPS = 30;
    /** Sides below this skip the comparison: the colour set is the picture cut into 16×16 tiles of at least 8 px. */
    static final int MIN_COMPARE_SIDE = 128;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path in = input != null ? input : Path.of(System.getProperty("tessera.home", "."), "samples", "astronaut.png");
        BufferedImage picture = Images.read(in);
        glyphMosaic(out, picture);
        try (PointerScope scope = new PointerScope()) {
            Tensor image = Images.toTensor(picture);
            out.printf("input %s: %d x %d; libtessera %d, CPU threads %d, CUDA kernels %s, CUDA devices %d%n",
                    in, image.size(3), image.size(2), Ops.nativeVersion(), Ops.cpuThreads(),
                    Ops.cudaCompiled() ? "built" : "not built", Ops.cudaDeviceCount());
            Tensor viewed = stage(out, "viewing blur 8x8 sigma 3", image, GaussianBlur.viewing(), "viewing");
            stage(out, "pyramid level 1 (1/2)", viewed, GaussianBlur.pyramid(1), "pyramid1");
            stage(out, "pyramid level 2 (1/4)", viewed, GaussianBlur.pyramid(2), "pyramid2");
        }
        out.printf("wrote %s/{mosaic.png,mosaic.txt,mosaic.html,mosaic.json,viewing.png,pyramid1.png,pyramid2.png}%n", output);
        out.flush();
        if (Math.min(picture.getWidth(), picture.getHeight()) < MIN_COMPARE_SIDE) {
            out.printf("%nclassic against fit skipped: the picture is %dx%d; it needs %d px a side (16x16 tiles of 8 px or more "
                    + "cut from it, and the fit's loss at 1/4 size)%n", picture.getWidth(), picture.getHeight(), MIN_COMPARE_SIDE);
            return 0;
        }
        out.println();
        out.println("fit optimises the choice per cell on the " + new dev.tessera.model.SeenLoss().describe()
                + " (e.g. tessera fit PICTURE --vgg vgg16.pth), then searches cell by cell on the hard mosaic; no encoder is involved. "
                + "With glyphs the structure term weighs " + ImageFit.GLYPH_SSIM_WEIGHT + " and the search may give up at most "
                + ImageFit.GLYPH_PSNR_BUDGET + " dB of PSNR; with a set of pictures no figure may end worse than classic's.");
        // Classic and fit side by side, with the glyphs and with a colour set (the picture's own
        // 16×16 tiles, so nothing needs fetching): `tessera compare`'s report for each.
        for (String[] set : new String[][] {{"glyphs", "--templates", "glyphs"},
                {"tiles", "--grid", in.toString(), "--grid-tiles", "16x16"}}) {
            Path folder = output.resolve("compare-" + set[0]);
            List<String> args = new ArrayList<>(List.of(in.toString(), "--modes", "classic,fit", "--steps", Integer.toString(FIT_STEPS),
                    "-o", folder.toString()));
            args.addAll(List.of(set).subList(1, set.length));
            out.println();
            out.println("== classic and fit, " + (set[0].equals("glyphs") ? "the 62 glyphs" : "256 tiles cut from the picture itself")
                    + ": tessera compare " + String.join(" ", args));
            out.flush();
            int code = new CommandLine(new CompareCommand()).setOut(out).setErr(spec.commandLine().getErr()).execute(args.toArray(String[]::new));
            if (code != 0) return code;
        }
        out.printf("%nwrote %s/compare-glyphs/ and %s/compare-tiles/: report.html (offline), report.png (input | classic | fit), "
                + "report.json%n", output, output);
        return 0;
    }

    private void glyphMosaic(PrintWriter out, BufferedImage picture) throws IOException {
        TemplateSet glyphs = TemplateSet.defaultGlyphs();
        ClassicMatcher matcher = new ClassicMatcher(glyphs, ClassicOptions.defaults(ClassicOptions.defaultSubcells(glyphs, 8), true));
        CellGrid grid = CellGrid.ofCellSize(picture.getWidth(), picture.getHeight(), 8);
        long t0 = System.nanoTime();
        ClassicMatcher.Match match = matcher.match(picture, grid);
        long matchNs = System.nanoTime() - t0;
        IndexMap map = match.map();
        MosaicRenderer renderer = new MosaicRenderer(glyphs, 8);
        Files.createDirectories(output);
        renderer.write(map, output.resolve("mosaic.png"));
        map.save(output.resolve("mosaic.json"));
        int[] ids = new int[map.cells()];
        for (int i = 0; i < ids.length; i++) ids[i] = map.template(i);
        GlyphText text = new GlyphText(glyphs);
        text.writeText(output.resolve("mosaic.txt"), ids, map.columns());
        text.writeHtml(output.resolve("mosaic.html"), ids, map.columns());
        Rectangle r = grid.region();
        QualityReport q = MosaicQuality.measure(picture.getSubimage(r.x, r.y, r.width, r.height), renderer.image(map))
                .withDistinctTemplates(map.distinctTemplates());
        out.printf("classic mosaic: %dx%d cells of %s in %.0f ms (%s)%s%n", map.columns(), map.rows(), glyphs.description(),
                matchNs / 1e6, match.notes(), grid.cropped() ? "; " + grid.describeCrop() : "");
        out.print(q.toTable());
    }

    private Tensor stage(PrintWriter out, String what, Tensor x, GaussianBlur blur, String name) {
        Tensor fast = Ops.blurForward(x, blur);
        Tensor reference = OpsReference.blur(x, blur);
        double diff = fast.sub(reference).abs().max().item_double();
        long nativeNs = timeNs(() -> Ops.blurForward(x, blur));
        long referenceNs = timeNs(() -> OpsReference.blur(x, blur));
        out.printf("  %-28s -> %d x %d   max |native - LibTorch| = %.2e   native %.2f ms, LibTorch %.2f ms (%.1fx)%n",
                what, fast.size(3), fast.size(2), diff, nativeNs / 1e6, referenceNs / 1e6, (double) referenceNs / nativeNs);
        Images.write(Images.toImage(fast), output.resolve(name + ".png"));
        return fast;
    }

    /** Best of five calls, each in its own scope so temporaries are freed at once. */
    private static long timeNs(Runnable op) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            try (PointerScope s = new PointerScope()) {
                long t0 = System.nanoTime();
                op.run();
                best = Math.min(best, System.nanoTime() - t0);
            }
        }
        return best;
    }
}
