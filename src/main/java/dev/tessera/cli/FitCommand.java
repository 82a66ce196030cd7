package dev.tessera.cli;

import dev.tessera.batch.Batch;
import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.classic.ClassicOptions;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.eval.QualityReport;
import dev.tessera.image.Images;
import dev.tessera.image.Resampler;
import dev.tessera.model.MosaicLoss;
import dev.tessera.model.PerceptualLoss;
import dev.tessera.model.Vgg16;
import dev.tessera.model.ViewingLoss;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.LogitFit;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tessera fit}: the choice for one image alone, by direct optimisation of per-cell logits started from classic. */
@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Optimise the template choice for one image alone: per-cell logits, started from the classic solution, "
                + "are optimised on the viewing loss of the soft mosaic while the softmax sharpens; the best hard (argmax) "
                + "mosaic seen is kept, so the result is never worse than classic on the loss. Writes OUTDIR/NAME.png and "
                + "NAME.json (the index map) and prints the quality figures of classic and fit."},
        footer = {"", "Exit codes: 0 written, 2 usage, 3 bad input, 4 I/O failure."})
final class FitCommand implements Callable<Integer> {
    /** The fit's own default rate on the logits, which start a few units apart (see LogitFit.DISTANCE_SCALE). */
    static final String DEFAULT_LR = "0.05";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "IMAGE", description = "The picture (PNG, JPEG).")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUTDIR", required = true, description = "Output folder.")
    Path output;

    @Mixin
    TemplatesSourceOptions templates;

    @Option(names = "--cell", paramLabel = "PX", defaultValue = "8", description = "Source pixels per cell side (default: ${DEFAULT-VALUE}).")
    int cell;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "300", description = "Optimisation steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = DEFAULT_LR, description = "Adam's learning rate on the logits (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "LibTorch's random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--vgg", paramLabel = "FILE",
            description = "A VGG16 weight file (torchvision state dict, .pth or .safetensors): use the paper's vgg16 perceptual loss "
                    + "instead of the weight-free viewing loss. 'seeded' uses a deterministic random VGG16 (tests and "
                    + "experiments only: it judges mosaics far worse than plain colour matching).")
    Path vgg;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        LogitFit.Settings settings = new LogitFit.Settings(steps, lr, 5);
        BufferedImage image = Images.read(input);
        TemplateSet set = templates.load(err);
        int a = set.analysisSize();
        CellGrid grid = CellGrid.ofCellSize(image.getWidth(), image.getHeight(), cell);
        if (grid.cropped()) err.println("tessera fit: " + grid.describeCrop());
        BufferedImage target = grid.cropped()
                ? image.getSubimage(grid.region().x, grid.region().y, grid.region().width, grid.region().height) : image;
        ClassicMatcher classic = new ClassicMatcher(set, ClassicOptions.defaults(ClassicOptions.defaultSubcells(set, cell), set.isGlyphSet()));
        IndexMap start = classic.match(image, grid).map();
        int[] startChoice = new int[start.cells()];
        for (int i = 0; i < startChoice.length; i++) startChoice[i] = start.template(i);

        torch.manual_seed(seed);
        Vgg16 network = vgg == null ? null : VggFlag.open(vgg.toString());
        try {
            MosaicLoss loss = network == null ? new ViewingLoss() : new PerceptualLoss(network);
            err.println("tessera fit: " + grid.columns() + "x" + grid.rows() + " cells, " + set.count() + " templates ('"
                    + set.description() + "'), " + steps + " steps; " + loss.describe());
            LogitFit.Result result;
            try (PointerScope scope = new PointerScope()) {
                // The loss sees each cell at the templates' analysis size.
                float[] planes = Resampler.resize(target, new java.awt.Rectangle(target.getWidth(), target.getHeight()),
                        set.background(), grid.columns() * a, grid.rows() * a);
                Tensor x = Tensor.create(planes, 1, 3, grid.rows() * a, grid.columns() * a);
                result = LogitFit.fit(x, set.analysisTensor(), startChoice, loss, settings, p -> progress(err, p));
            }
            err.println();
            IndexMap fitted = new IndexMap(grid.columns(), grid.rows(), grid.cellSize(), result.choice(), result.distance(), 0, null,
                    set.contentHash(), set.names());
            String stem = Batch.stem(input);
            Files.createDirectories(output);
            fitted.save(output.resolve(stem + ".json"));
            MosaicRenderer renderer = new MosaicRenderer(set, grid.cellSize());
            renderer.write(fitted, output.resolve(stem + ".png"));

            out.printf(Locale.ROOT, "fit: loss %.6g -> %.6g (classic start -> best hard mosaic, seen after step %d), %d of %d cells changed%n",
                    result.startLoss(), result.bestLoss(), result.bestStep(), result.changedCells(), fitted.cells());
            report(out, "classic", MosaicQuality.measure(target, renderer.image(start)).withDistinctTemplates(start.distinctTemplates()));
            report(out, "fit", MosaicQuality.measure(target, renderer.image(fitted)).withDistinctTemplates(fitted.distinctTemplates()));
            out.println("-> " + output.resolve(stem + ".png") + ", " + output.resolve(stem + ".json"));
            out.flush();
            return ExitCodes.OK;
        } finally {
            if (network != null) network.close();
        }
    }

    private static void progress(PrintWriter err, LogitFit.Progress p) {
        err.printf(Locale.ROOT, "\rfit step %d/%d  loss %.6g  best hard %.6g  β %.2f   ", p.step(), p.steps(), p.softLoss(),
                p.bestHardLoss(), p.beta());
        err.flush();
    }

    private static void report(PrintWriter out, String label, QualityReport q) {
        out.println(label + ":");
        out.print(q.toTable());
    }
}
