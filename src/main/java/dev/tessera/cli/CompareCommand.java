package dev.tessera.cli;

import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.classic.ClassicOptions;
import dev.tessera.eval.CompareEntry;
import dev.tessera.eval.CompareReport;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.image.Images;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.ImageFit;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tessera compare}: one input rendered by several modes, judged alike, in one report. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Render one picture with several modes on the same grid and template set, measure each as it is seen "
                + "(PSNR, SSIM, CIEDE2000 at full, 1/2 and 1/4 size) and write one report: OUTDIR/report.html (readable offline), "
                + "report.png (contact sheet with enlarged centres), report.json, and input.png, MODE.png, MODE.json beside them.",
                "Modes: classic (as `tessera classic` by default), classic-d5 (classic with --min-distance 5), "
                        + "fit (as `tessera fit`, from the classic solution, --steps steps), "
                        + "learned (a checkpoint from `tessera train`: --model and --vgg; its template set must be --templates)."},
        footer = {"", "Exit codes: 0 written, 2 usage (also: learned without --model, a checkpoint of another set or VGG16), "
                + "3 bad input, 4 I/O failure."})
final class CompareCommand implements Callable<Integer> {
    /** The modes compare knows, by the names --modes takes. */
    enum Mode {
        CLASSIC("classic"), CLASSIC_D5("classic-d5"), FIT("fit"), LEARNED("learned");

        final String label;

        Mode(String label) {
            this.label = label;
        }

        static String labels() {
            return Arrays.stream(values()).map(m -> m.label).collect(Collectors.joining(", "));
        }
    }

    /** Minimum distance of the classic-d5 variant: no template twice within 5 cells, the README's print example. */
    private static final int D5_MIN_DISTANCE = 5;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "IMAGE", description = "The picture (PNG, JPEG).")
    Path input;

    @Mixin
    TemplatesSourceOptions templates;

    @Option(names = "--modes", split = ",", paramLabel = "MODE", defaultValue = "classic,fit",
            description = "Modes to compare, comma-separated: classic, classic-d5, fit, learned (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--cell", paramLabel = "PX", defaultValue = "8", description = "Source pixels per cell side (default: ${DEFAULT-VALUE}).")
    int cell;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "60",
            description = "Fit's optimisation steps (default: ${DEFAULT-VALUE}, short so a comparison stays quick; `tessera fit` runs 300).")
    int steps;

    @Option(names = {"-o", "--output"}, paramLabel = "OUTDIR", required = true, description = "Folder for the report and its pictures.")
    Path output;

    @Option(names = "--model", paramLabel = "FILE", description = "The learned mode's checkpoint (.tsr, from `tessera train`).")
    Path model;

    @Option(names = "--vgg", paramLabel = "FILE|seeded", description = "The learned mode's VGG16 weights: those it was trained with (none for a model trained without --vgg, on a weight-free encoder).")
    String vgg;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        List<Mode> chosen = parseModes();
        if (chosen.contains(Mode.LEARNED) && model == null)
            throw new CommandLine.ParameterException(spec.commandLine(), "--modes learned needs --model FILE, a checkpoint from `tessera train`");
        if (!chosen.contains(Mode.LEARNED) && (model != null || vgg != null))
            throw new CommandLine.ParameterException(spec.commandLine(), "--model and --vgg are for the learned mode: add learned to --modes");
                BufferedImage image = Images.read(input);
        TemplateSet set = templates.load(err);
        CellGrid grid = CellGrid.ofCellSize(image.getWidth(), image.getHeight(), cell);
        if (grid.cropped()) err.println("tessera compare: " + grid.describeCrop());
        BufferedImage target = grid.cropped()
                ? image.getSubimage(grid.region().x, grid.region().y, grid.region().width, grid.region().height) : image;
        int subcells = ClassicOptions.defaultSubcells(set, cell);
        boolean toneMap = set.isGlyphSet();
        ImageFit.Settings fitSettings = ImageFit.defaults(set, steps, Double.parseDouble(FitCommand.DEFAULT_LR));
        try (LearnedModel learned = model == null ? null : LearnedModel.open(spec.commandLine(), model, vgg, set)) {
            Files.createDirectories(output);
            return compare(chosen, image, target, grid, set, subcells, toneMap, fitSettings, learned, out, err);
        }
    }

    private int compare(List<Mode> chosen, BufferedImage image, BufferedImage target, CellGrid grid, TemplateSet set, int subcells,
            boolean toneMap, ImageFit.Settings fitSettings, LearnedModel learned, PrintWriter out, PrintWriter err) {
        MosaicRenderer renderer = new MosaicRenderer(set, grid.cellSize());
        List<CompareEntry> entries = new ArrayList<>();
        for (Mode mode : chosen) {
            err.println("tessera compare: " + mode.label + "...");
            long start = System.nanoTime();
            Made made = switch (mode) {
                case CLASSIC -> classic(image, grid, set, ClassicOptions.defaults(subcells, toneMap));
                case CLASSIC_D5 -> classic(image, grid, set, new ClassicOptions(subcells, D5_MIN_DISTANCE, 0, false, 0, toneMap));
                case FIT -> fit(image, grid, set, ClassicOptions.defaults(subcells, toneMap), fitSettings, err);
                case LEARNED -> new Made(learned.indexMap(image, grid), learned.describe());
            };
            double seconds = (System.nanoTime() - start) / 1e9;
            String mapFile = mode.label + ".json";
            made.map().save(output.resolve(mapFile));
            BufferedImage mosaic = renderer.image(made.map());
            entries.add(new CompareEntry(mode.label, made.description(), mosaic,
                    MosaicQuality.measure(target, mosaic).withDistinctTemplates(made.map().distinctTemplates()), seconds, mapFile));
            err.printf(Locale.ROOT, "tessera compare: %s done in %.2f s%n", mode.label, seconds);
        }
        String setup = "'" + set.description() + "' (" + set.count() + " templates); " + grid.columns() + "x" + grid.rows()
                + " cells of " + grid.cellSize() + " px" + (grid.cropped() ? "; " + grid.describeCrop() : "");
        CompareReport report = new CompareReport(input.getFileName().toString(), target, setup, entries);
        report.write(output);
        out.println(report.verdict().sentence());
        out.println("-> " + output.resolve("report.html") + ", report.png, report.json");
        out.flush();
        return ExitCodes.OK;
    }

    /** A mode's index map and a line on how it was made. */
    private record Made(IndexMap map, String description) {}

    private List<Mode> parseModes() {
        Set<Mode> chosen = new LinkedHashSet<>();
        for (String name : modes) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            Mode mode = Arrays.stream(Mode.values()).filter(m -> m.label.equals(wanted)).findFirst()
                    .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                            "--modes: unknown mode '" + name + "'; valid modes: " + Mode.labels()));
            if (!chosen.add(mode))
                throw new CommandLine.ParameterException(spec.commandLine(), "--modes: '" + mode.label + "' is listed twice");
        }
        return List.copyOf(chosen);
    }

    private static Made classic(BufferedImage image, CellGrid grid, TemplateSet set, ClassicOptions options) {
        ClassicMatcher matcher = new ClassicMatcher(set, options);
        ClassicMatcher.Match match = matcher.match(image, grid);
        return new Made(match.map(), matcher + (match.notes().isEmpty() ? "" : " [" + match.notes() + "]"));
    }

    /** Fit as `tessera fit` runs it (its default loss, rate and local search), started from classic's solution, which is part of its time. */
    private static Made fit(BufferedImage image, CellGrid grid, TemplateSet set, ClassicOptions start,
            ImageFit.Settings settings, PrintWriter err) {
        ImageFit.Result result = ImageFit.run(image, grid, set, new ClassicMatcher(set, start), null, settings, p -> {
            err.printf(Locale.ROOT, "\rfit step %d/%d  loss %.6g  best hard %.6g   ", p.step(), p.steps(), p.softLoss(), p.bestHardLoss());
            err.flush();
        });
        if (settings.gradient().steps() > 0) err.println();
        return new Made(result.fitted(), String.format(Locale.ROOT, "logit fit, %d steps from classic, then a local search: %s",
                settings.gradient().steps(), FitCommand.summary(result, settings.search()).replaceFirst("^fit: ", "")));
    }
}
