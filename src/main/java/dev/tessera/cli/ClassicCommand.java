package dev.tessera.cli;

import dev.tessera.batch.Batch;
import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.classic.ClassicOptions;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.eval.QualityReport;
import dev.tessera.image.Images;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.GlyphText;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tessera classic}: nearest-template photomosaics of many images, no network. */
@Command(name = "classic", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classic photomosaic: each cell gets the template whose k x k sub-cell colours are nearest in Oklab "
                + "(no network). Inputs may be images, folders and globs; each writes OUTDIR/NAME.png and NAME.json "
                + "(the index map), and for glyph sets NAME.txt and NAME.html."},
        footer = {"", "Exit codes: 0 all written, 2 usage, 3 some inputs failed (each is reported), 4 I/O failure."})
final class ClassicCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "IN", arity = "1..*", description = "Images, folders of images, or globs (quoted).")
    List<String> inputs;

    @Option(names = {"-o", "--output"}, paramLabel = "OUTDIR", required = true, description = "Output folder.")
    Path output;

    @Mixin
    TemplatesSourceOptions templates;

    @Option(names = "--cell", paramLabel = "PX", defaultValue = "8",
            description = "Source pixels per cell side (default: ${DEFAULT-VALUE}, the method's; ignored with --cells).")
    int cell;

    @Option(names = "--cells", paramLabel = "WxH", description = "Grid of cells instead of --cell, e.g. 64x64.")
    String cells;

    @Option(names = "--tile", paramLabel = "PX", description = "Rendered tile size (default: the cell size; larger for print).")
    Integer tile;

    @Option(names = "--subcells", paramLabel = "K",
            description = "K x K sub-cell colours per cell, 1..16 (default: 2 for glyphs; for pictures the cell size up to 16, 16 with --cells).")
    Integer subcells;

    @Option(names = "--min-distance", paramLabel = "D", defaultValue = "0", description = "No template twice within D cells (default: 0, off).")
    int minDistance;

    @Option(names = "--max-uses", paramLabel = "U", defaultValue = "0", description = "No template more than U times (default: 0, unlimited).")
    int maxUses;

    @Option(names = "--fair", description = "Use every template as evenly as possible (an optimal assignment, not greedy).")
    boolean fair;

    @Option(names = "--tint", paramLabel = "A", defaultValue = "0", description = "Move each tile's colour this far toward its cell's mean, 0..1 (default: ${DEFAULT-VALUE}).")
    double tint;

    @Option(names = "--tone-map", negatable = true, description = "Map the picture's tones into the range the set can show before matching (default: on for glyph sets).")
    Boolean toneMap;

    @Option(names = "--format", paramLabel = "png|jpg", defaultValue = "png", description = "Mosaic image format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--eval", description = "Print the quality figures (PSNR, SSIM, CIEDE2000 at viewing distance) of each mosaic.")
    boolean eval;

    @Option(names = "--overwrite", description = "Redo images whose outputs exist (default: skip them).")
    boolean overwrite;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Images in flight at once (default: the number of cores).")
    Integer jobs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        String ext = switch (format.toLowerCase(Locale.ROOT)) {
            case "png" -> "png";
            case "jpg", "jpeg" -> "jpg";
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--format '" + format + "': use png or jpg");
        };
        int[] grid = cells == null ? null : GridSize.parse(spec, "--cells", cells);
        List<Path> files = Batch.expandInputs(inputs);
        Batch.requireDistinctStems(files);
        TemplateSet set = templates.load(err);
        int k = subcells != null ? subcells : ClassicOptions.defaultSubcells(set, grid == null ? cell : 16);
        ClassicOptions options = new ClassicOptions(k, minDistance, maxUses, fair, tint,
                toneMap != null ? toneMap : set.isGlyphSet());
        ClassicMatcher matcher = new ClassicMatcher(set, options);
        err.println("tessera classic: " + files.size() + " image(s); " + matcher + " ('" + set.description() + "')");
        Files.createDirectories(output);
        int threads = jobs != null ? Math.max(1, jobs) : Runtime.getRuntime().availableProcessors();
        Batch.Summary summary = Batch.run(files, threads, in -> !overwrite && Files.exists(mosaicFile(in, ext)), in -> {
            BufferedImage image = Images.read(in);
            CellGrid g = grid == null ? CellGrid.ofCellSize(image.getWidth(), image.getHeight(), cell)
                    : CellGrid.ofGrid(image.getWidth(), image.getHeight(), grid[0], grid[1]);
            ClassicMatcher.Match match = matcher.match(image, g);
            writeOutputs(in, ext, set, match, image, out);
        }, err, "classic");
        out.printf("classic: %d written, %d skipped, %d failed -> %s%n", summary.done(), summary.skipped(), summary.failed(), output);
        out.flush();
        return summary.failed() > 0 ? ExitCodes.INPUT : ExitCodes.OK;
    }

    private Path mosaicFile(Path in, String ext) {
        return output.resolve(Batch.stem(in) + "." + ext);
    }

    private void writeOutputs(Path in, String ext, TemplateSet set, ClassicMatcher.Match match, BufferedImage image,
            PrintWriter out) throws Exception {
        IndexMap map = match.map();
        String stem = Batch.stem(in);
        int tileSize = tile != null ? tile : match.grid().cellSize();
        map.save(output.resolve(stem + ".json"));
        if (set.isGlyphSet()) {
            int[] ids = new int[map.cells()];
            for (int i = 0; i < ids.length; i++) ids[i] = map.template(i);
            GlyphText text = new GlyphText(set);
            text.writeText(output.resolve(stem + ".txt"), ids, map.columns());
            text.writeHtml(output.resolve(stem + ".html"), ids, map.columns());
        }
        MosaicRenderer renderer = new MosaicRenderer(set, tileSize);
        // The image goes last: its presence marks the input as done.
        renderer.write(map, mosaicFile(in, ext));
        if (eval) {
            BufferedImage target = match.grid().cropped()
                    ? image.getSubimage(match.grid().region().x, match.grid().region().y, match.grid().region().width,
                            match.grid().region().height)
                    : image;
            QualityReport q = MosaicQuality.measure(target, renderer.image(map)).withDistinctTemplates(map.distinctTemplates());
            synchronized (out) {
                out.println(in + (match.grid().cropped() ? " (" + match.grid().describeCrop() + ")" : "")
                        + (match.notes().isEmpty() ? "" : " [" + match.notes() + "]") + ":");
                out.print(q.toTable());
                out.flush();
            }
        }
    }
}
