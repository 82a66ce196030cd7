package dev.tessera.cli;

import dev.tessera.classic.CellGrid;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.eval.QualityReport;
import dev.tessera.image.Images;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tessera eval}: the DESIGN §6 figures of a mosaic against its input, at the input's size,
 * ½ and ¼. The mosaic is a picture, or an index map rendered with its template set. Exit codes: 0
 * measured, 2 usage error (picocli), 3 an input file that cannot be used.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure a mosaic as it is seen: PSNR (RGB), SSIM (luma) and CIEDE2000 at viewing distance.",
                "The mosaic (any size at least the input's, same aspect ratio) is area-downscaled to the input's size, "
                        + "then both to 1/2 and 1/4. Conventions: docs/quality.md.",
                "With --index the map is rendered with its template set at the map's cell size, the input is cropped "
                        + "to the map's centred grid as classic and fit crop it, and distinct templates used are added.",
                "With --model a checkpoint from `tessera train` is scored on every picture in --images (8-px cells), against "
                        + "classic on the same grid and set; -o writes the report (report.html, report.png, report.json, and "
                        + "one compare report per picture)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:measured", "2:usage error (also: a checkpoint of another template set or VGG16)",
                "3:an input file is missing, unreadable or the wrong shape, or the set is not the map's",
                "4:the report cannot be written"})
final class EvalCommand implements Callable<Integer> {
    /** A file the user named cannot be used. */
    static final int INPUT_ERROR = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--input"}, paramLabel = "IMG", description = "The picture the mosaic reproduces (with --mosaic or --index).")
    Path input;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mosaic mosaic;

    /** What is judged: exactly one of a rendered picture and an index map. */
    static final class Mosaic {
        @Option(names = {"-m", "--mosaic"}, required = true, paramLabel = "MOSAIC", description = "The rendered mosaic.")
        Path image;

        @Option(names = "--index", required = true, paramLabel = "MAP",
                description = "An index map (.json or .csv) to render with its template set (--templates etc.).")
        Path index;

        @Option(names = "--model", required = true, paramLabel = "FILE",
                description = "A checkpoint (.tsr) to score on the pictures in --images, with its --vgg and template set.")
        Path model;
    }

    @Option(names = "--images", paramLabel = "DIR", description = "With --model: the pictures (PNG/JPEG, recursively).")
    Path images;

    @Option(names = "--vgg", paramLabel = "FILE|seeded", description = "With --model: the VGG16 weights it was trained with (none for a model trained without --vgg, on a weight-free encoder).")
    String vgg;

    @Option(names = {"-o", "--output"}, paramLabel = "REPORTDIR", description = "With --model: folder for the report.")
    Path output;

    @Mixin
    TemplatesSourceOptions templates;

    @Option(names = "--json", description = "Print one JSON object instead of a table (PSNR null: identical images).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (mosaic.model != null) {
            if (input != null) throw usage("--model is scored on --images DIR; --input goes with --mosaic and --index");
            return new ModelEvaluation(spec.commandLine()).run(mosaic.model, vgg, images, templates, output, json);
        }
        if (input == null) throw usage("--mosaic and --index need --input IMG, the picture the mosaic reproduces");
        if (images != null || vgg != null || output != null) throw usage("--images, --vgg and -o go with --model");
        if (mosaic.image != null) requireNoSetFlags();
        Path judged = mosaic.image != null ? mosaic.image : mosaic.index;
        BufferedImage in, mo;
        IndexMap map = null;
        TemplateSet set = null;
        try {
            in = read(input);
            if (mosaic.image != null) {
                mo = read(mosaic.image);
            } else {
                map = IndexMap.load(mosaic.index);
                set = templates.load(err);
                mo = new MosaicRenderer(set, map.cellSize()).image(map);
            }
        } catch (IOException e) {
            err.println("tessera eval: " + e.getMessage());
            return INPUT_ERROR;
        } catch (IllegalArgumentException e) {
            err.println("tessera eval: " + judged + ": " + e.getMessage());
            return INPUT_ERROR;
        }
        CellGrid grid = map == null ? null : gridOf(map, in);
        BufferedImage target = grid == null ? in
                : in.getSubimage(grid.region().x, grid.region().y, grid.region().width, grid.region().height);
        QualityReport report;
        try {
            report = MosaicQuality.measure(target, mo);
        } catch (IllegalArgumentException e) {
            err.println("tessera eval: " + judged + ": " + e.getMessage());
            return INPUT_ERROR;
        }
        if (map != null) report = report.withDistinctTemplates(map.distinctTemplates());
        if (json) {
            out.println("{\"input\": " + jsonString(input.toString()) + ", \"" + (map == null ? "mosaic" : "index") + "\": "
                    + jsonString(judged.toString()) + ", \"quality\": " + report.toJson() + "}");
        } else {
            out.println("input  " + input + " (" + in.getWidth() + "x" + in.getHeight() + ")"
                    + (grid != null ? ", " + grid.describeCrop() : ""));
            if (map == null) out.println("mosaic " + mosaic.image + " (" + mo.getWidth() + "x" + mo.getHeight() + ")");
            else out.println("index  " + mosaic.index + " (" + map.columns() + "x" + map.rows() + " cells of " + map.cellSize()
                    + " px, '" + set.description() + "')");
            out.print(report.toTable());
        }
        out.flush();
        return 0;
    }

    /**
     * The grid the map was cut from, when the input was cropped to whole cells (as classic and fit
     * do) and the crop is the map's; null when the input is judged whole. The crop must be undone
     * here, or a cropped input would fail the aspect check or be compared off by part of a cell.
     */
    private static CellGrid gridOf(IndexMap map, BufferedImage in) {
        if (in.getWidth() < map.cellSize() || in.getHeight() < map.cellSize()) return null;
        CellGrid grid = CellGrid.ofCellSize(in.getWidth(), in.getHeight(), map.cellSize());
        return grid.cropped() && grid.columns() == map.columns() && grid.rows() == map.rows() ? grid : null;
    }

    /** The set flags only mean something with --index; accepting them silently with --mosaic would mislead. */
    private void requireNoSetFlags() {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (CommandLine.Model.OptionSpec option : spec.mixins().get("templates").options())
            if (parsed.hasMatchedOption(option))
                throw new CommandLine.ParameterException(spec.commandLine(),
                        option.longestName() + " chooses the template set of an --index map; --mosaic is already pixels");
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Decodes an image; ImageIO's own failures (a truncated PNG) do not say which file, so add it. */
    private static BufferedImage read(Path file) throws IOException {
        try {
            return Images.read(file);
        } catch (IOException | RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            throw new IOException(message.contains(file.toString()) ? message : file + ": cannot decode: " + message, e);
        }
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
