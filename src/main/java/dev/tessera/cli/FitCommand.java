package dev.tessera.cli;

import dev.tessera.batch.Batch;
import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.classic.ClassicOptions;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.eval.QualityReport;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.model.MosaicLoss;
import dev.tessera.model.PerceptualLoss;
import dev.tessera.model.SeenLoss;
import dev.tessera.model.SeenLossConfig;
import dev.tessera.model.Vgg16;
import dev.tessera.model.ViewingLoss;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.ClassicImitation;
import dev.tessera.train.DecoderFit;
import dev.tessera.train.ImageFit;
import dev.tessera.train.LocalSearch;
import dev.tessera.train.LogitFit;
import dev.tessera.train.MosaicStep;
import dev.tessera.train.SignatureEncoder;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tessera fit}: the choice for one image alone, by direct optimisation of per-cell logits
 * started from classic and a guarded local search ({@link ImageFit}), or by a fresh decoder trained
 * on that image (optionally warm-started by imitating classic).
 */
@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Optimise the template choice for one image alone. --method logits (default): per-cell logits, started from the "
                + "classic solution, are optimised by gradient on the soft mosaic while the softmax sharpens (the best hard mosaic seen "
                + "is kept); then a local search on the hard mosaic tries, cell by cell, the --candidates templates nearest by colour "
                + "and the gradient phase's choice, and keeps a change when it lowers the seen loss (Oklab + sRGB + SSIM on area "
                + "averages at full, 1/2 and 1/4 size, as the quality figures are measured) and, with --guard (the default with "
                + "picture sets), leaves none of the quality figures worse than classic's; with glyph sets it weighs structure "
                + "higher, tries every glyph and gives up at most --psnr-budget dB of PSNR. --method decoder: a fresh decoder on "
                + "the encoder's features of this image, starting at classic's choice, is trained on the viewing loss (the method's "
                + "blur); with --guard only argmaxes no worse than classic are kept. "
                + "Writes OUTDIR/NAME.png and NAME.json (the index map) and prints the quality figures of classic and fit."},
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

    // 60, not 300: the β ramp ends at step 30, and the local search from classic made the same mosaic after 60 gradient steps
    // as after 300 (glyphs) or 0 (glyphs, photo tiles), in half the time or less (bench/RESULTS.md, "Glyphs: structure within a PSNR budget").
    @Option(names = "--steps", paramLabel = "N", defaultValue = "60",
            description = "Gradient steps (default: ${DEFAULT-VALUE}; with logits, 0 leaves the local search alone).")
    int steps;

    @Option(names = "--method", paramLabel = "logits|decoder", defaultValue = "logits",
            description = "What is optimised: the per-cell logits, or a decoder (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Adam's learning rate (default: " + DEFAULT_LR + " on the logits, " + DecoderFit.DEFAULT_RATE + " on a decoder).")
    Double lr;

    @Option(names = "--candidates", paramLabel = "K",
            description = "Logits: templates the local search tries per cell, nearest by colour, besides the gradient phase's choice "
                    + "(default: " + ImageFit.DEFAULT_CANDIDATES + "; every glyph for a glyph set).")
    Integer candidates;

    @Option(names = "--psnr-budget", paramLabel = "DB",
            description = "Logits, unguarded: the local search takes no change that would leave the full-size PSNR (against the "
                    + "picture, not its tone map) more than DB below classic's, whatever it gains in structure (default: "
                    + ImageFit.GLYPH_PSNR_BUDGET + " for a glyph set, whose fit weighs structure at " + ImageFit.GLYPH_SSIM_WEIGHT
                    + "; else 0, no bound).")
    Double psnrBudget;

    @Option(names = "--guard", negatable = true,
            description = "Logits: the local search takes no change that would make any DESIGN §6 figure (PSNR over RGB, SSIM on luma, "
                    + "mean CIEDE2000, at full, 1/2 and 1/4 size, against the picture fit aims at) worse than classic's; decoder: "
                    + "the argmax kept as the result must leave none worse than classic's (else the start's stands); "
                    + "--no-guard: the loss alone decides, within --psnr-budget (default: on for sets of pictures; off for glyph "
                    + "sets, which cannot make the picture's colours and gain structure by giving up a little of them, within the "
                    + "PSNR budget).")
    Boolean guard;

    @Mixin
    WarmStartOptions warmStart;

    @Option(names = "--tone-map", negatable = true, description = "Map the picture's tones into the range the set can show, "
            + "for the classic start and for what the fit aims at alike (default: on for glyph sets). Figures are always "
            + "against the original picture.")
    Boolean toneMap;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "LibTorch's random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--vgg", paramLabel = "FILE",
            description = "A VGG16 weight file (torchvision state dict, .pth or .safetensors): use the paper's vgg16 perceptual loss "
                    + "instead of the weight-free loss (for the logits' gradient phase; the local search stays on the seen loss), and, with --method decoder, that network as the encoder (without "
                    + "--vgg the decoder's encoder is the signature encoder, on which it starts as classic's choice exactly). 'seeded' uses a deterministic random VGG16 (tests and "
                    + "experiments only: it judges mosaics far worse than plain colour matching).")
    Path vgg;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (!method.equals("logits") && !method.equals("decoder"))
            throw new CommandLine.ParameterException(spec.commandLine(), "--method '" + method + "': use logits or decoder");
        boolean decoder = method.equals("decoder");
        double rate = lr != null ? lr : decoder ? DecoderFit.DEFAULT_RATE : Double.parseDouble(DEFAULT_LR);
        BufferedImage image = Images.read(input);
        TemplateSet set = templates.load(err);
        int a = set.analysisSize();
        CellGrid grid = CellGrid.ofCellSize(image.getWidth(), image.getHeight(), cell);
        if (grid.cropped()) err.println("tessera fit: " + grid.describeCrop());
        BufferedImage target = grid.cropped()
                ? image.getSubimage(grid.region().x, grid.region().y, grid.region().width, grid.region().height) : image;
        ClassicMatcher classic = new ClassicMatcher(set, ClassicOptions.defaults(ClassicOptions.defaultSubcells(set, cell),
                toneMap != null ? toneMap : set.isGlyphSet()));
        torch.manual_seed(seed);
        Vgg16 network = vgg == null ? null : VggFlag.open(vgg.toString());
        try {
            SeenLossConfig seen = ImageFit.coloursAsClassicSees(ImageFit.defaultSeen(set), a, classic.options().subcells());
            MosaicLoss loss = network != null ? new PerceptualLoss(network) : decoder ? new ViewingLoss() : new SeenLoss(seen);
            err.println("tessera fit: " + grid.columns() + "x" + grid.rows() + " cells, " + set.count() + " templates ('"
                    + set.description() + "'), " + steps + " steps " + (decoder ? "of a decoder" : "on the logits") + "; "
                    + loss.describe() + (decoder || network == null ? "" : "; then a local search on the seen loss"));
            IndexMap start, fitted;
            String summary;
            MosaicRenderer renderer = new MosaicRenderer(set, grid.cellSize());
            boolean guarded = guard != null ? guard : ImageFit.defaultGuard(set);
            if (decoder) {
                start = classic.match(image, grid).map();
                int[] startChoice = new int[start.cells()];
                for (int i = 0; i < startChoice.length; i++) startChoice[i] = start.template(i);
                QualityReport classicFigures = MosaicQuality.measure(target, renderer.image(start));
                Predicate<int[]> admissible = !guarded ? choice -> true
                        : choice -> MosaicQuality.measure(target, renderer.image(new IndexMap(grid.columns(), grid.rows(), grid.cellSize(), choice,
                                new float[choice.length], 0, null, set.contentHash(), set.names()))).nowhereWorseThan(classicFigures);
                try (PointerScope scope = new PointerScope()) {
                    // The loss sees each cell at the templates' analysis size, and the picture classic aims at.
                    float[] planes = classic.target(image, grid, grid.columns() * a, grid.rows() * a);
                    Tensor x = Tensor.create(planes, 1, 3, grid.rows() * a, grid.columns() * a);
                    DecoderFit.Result r = fitDecoder(network, x, set, startChoice, loss, rate, admissible, err);
                    fitted = new IndexMap(grid.columns(), grid.rows(), grid.cellSize(), r.choice(), r.distance(), 0, null,
                            set.contentHash(), set.names());
                    summary = String.format(Locale.ROOT, "fit: loss %.6g (classic) vs %.6g (decoder's best argmax, seen after step %d; "
                            + "%.6g after the warm start, %.1f%% of cells classic's; %.6g after the last step), %d of %d cells differ "
                            + "from classic%s", r.classicLoss(), r.bestLoss(), r.bestStep(), r.warmLoss(), 100 * r.warmAgreement(),
                            r.lastLoss(), r.changedCells(), r.choice().length,
                            guarded ? "; no argmax kept that makes a DESIGN §6 figure worse than classic's" : ", unguarded");
                }
            } else {
                double budget = psnrBudget != null ? psnrBudget : guarded ? 0 : ImageFit.defaultPsnrBudget(set);
                ImageFit.Settings settings;
                try {
                    settings = new ImageFit.Settings(new LogitFit.Settings(steps, rate, 5), new LocalSearch.Settings(
                            candidates != null ? candidates : ImageFit.defaultCandidates(set), ImageFit.DEFAULT_SWEEPS, guarded, budget), seen);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                ImageFit.Result r = ImageFit.run(image, grid, set, classic, network == null ? null : loss, settings,
                        p -> progress(err, p.step(), p.steps(), p.softLoss(), p.bestHardLoss(), p.beta()));
                start = r.classic();
                fitted = r.fitted();
                summary = summary(r, settings.search());
            }
            err.println();
            String stem = Batch.stem(input);
            Files.createDirectories(output);
            fitted.save(output.resolve(stem + ".json"));
            renderer.write(fitted, output.resolve(stem + ".png"));

            out.println(summary);
            report(out, "classic", MosaicQuality.measure(target, renderer.image(start)).withDistinctTemplates(start.distinctTemplates()));
            report(out, "fit", MosaicQuality.measure(target, renderer.image(fitted)).withDistinctTemplates(fitted.distinctTemplates()));
            out.println("-> " + output.resolve(stem + ".png") + ", " + output.resolve(stem + ".json"));
            out.flush();
            return ExitCodes.OK;
        } finally {
            if (network != null) network.close();
        }
    }

    /**
     * A fresh decoder fitted to the image: on --vgg's network, seeded by --seed (and imitating classic
     * first unless --warm-start none); without one on the signature encoder, starting as classic's choice exactly.
     */
    private DecoderFit.Result fitDecoder(Vgg16 network, Tensor x, TemplateSet set, int[] classic, MosaicLoss loss, double rate,
            Predicate<int[]> admissible, PrintWriter err) throws java.io.IOException {
        if (cell != MosaicStep.ENCODER_STRIDE || set.analysisSize() != MosaicStep.ENCODER_STRIDE)
            throw new CommandLine.ParameterException(spec.commandLine(), "--method decoder needs " + MosaicStep.ENCODER_STRIDE
                    + "-px cells and templates analysed at " + MosaicStep.ENCODER_STRIDE + " px (the encoder's stride); got --cell "
                    + cell + " and analysis size " + set.analysisSize());
        Encoder encoder = network != null ? network : new SignatureEncoder(ClassicImitation.matcher(set));
        boolean exact = warmStart.exactStart(encoder);
        DecoderFit.Settings settings = new DecoderFit.Settings(steps, rate, 5, warmStart.settings("classic"));
        if (network == null)
            err.println("tessera fit: no --vgg, so the decoder's encoder is the signature encoder (each cell as classic sees it)"
                    + (exact ? ", and the decoder starts at classic's choice exactly (the imitation only mends cells where the set's "
                    + "principal axes do not suffice)" : "") + "; give --vgg FILE for VGG16 pool3 features");
        try (Decoder d = warmStart.startingDecoder(encoder, set.count(), seed)) {
            return DecoderFit.fit(encoder, d, x, set.analysisTensor(), classic, loss, settings, admissible, w -> {
                err.printf(Locale.ROOT, "\rfit warm start %d/%d  cross-entropy %.4g  classic's choice in %.1f%% of cells   ", w.step(),
                        w.steps(), w.crossEntropy(), 100 * w.agreement());
                if (w.step() == w.steps()) err.println();
                err.flush();
            }, p -> progress(err, p.step(), p.steps(), p.softLoss(), p.bestHardLoss(), p.beta()));
        } finally {
            if (encoder != network) encoder.close();
        }
    }

    /** What the two phases did, on one line. */
    static String summary(ImageFit.Result r, LocalSearch.Settings search) {
        int changed = 0, cells = r.fitted().cells();
        for (int i = 0; i < cells; i++) if (r.fitted().template(i) != r.classic().template(i)) changed++;
        LogitFit.Result g = r.gradient();
        LocalSearch.Result s = r.search();
        return String.format(Locale.ROOT, "fit: gradient phase loss %.6g -> %.6g (best hard mosaic after step %d); local search on the "
                + "seen loss %.6g -> %.6g (%d changes in %d sweeps%s); %d of %d cells differ from classic", g.startLoss(), g.bestLoss(),
                g.bestStep(), s.startLoss(), s.loss(), s.changes(), s.sweeps(),
                search.guard() ? ", none allowed to make a DESIGN §6 figure worse than classic's"
                        : search.psnrBudget() > 0 ? String.format(Locale.ROOT, ", none allowed to take full-size PSNR more than %.3g dB "
                                + "below classic's", search.psnrBudget()) : ", unguarded", changed, cells);
    }

    private static void progress(PrintWriter err, int step, int steps, double soft, double bestHard, double beta) {
        err.printf(Locale.ROOT, "\rfit step %d/%d  loss %.6g  best hard %.6g  β %.2f   ", step, steps, soft, bestHard, beta);
        err.flush();
    }

    private static void report(PrintWriter out, String label, QualityReport q) {
        out.println(label + ":");
        out.print(q.toTable());
    }
}
