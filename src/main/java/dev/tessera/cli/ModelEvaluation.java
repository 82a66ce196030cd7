package dev.tessera.cli;

import dev.tessera.batch.Batch;
import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.classic.ClassicOptions;
import dev.tessera.eval.CompareEntry;
import dev.tessera.eval.CompareReport;
import dev.tessera.eval.FolderReport;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.image.Images;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.MosaicStep;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * {@code tessera eval --model}: a checkpoint scored on a folder of pictures. Each picture is cut into
 * the decoder's 8-px cells (centred crop, as `render --model` cuts it) and rendered twice on that grid
 * with the same set: by the checkpoint (argmax per cell) and by classic with its defaults, the
 * reference; both are judged against the cropped picture (DESIGN §6). The result is a
 * {@link FolderReport}: a table (or JSON) on stdout, and with {@code -o} the report files.
 */
final class ModelEvaluation {
    private final CommandLine cli;
    private final PrintWriter out;
    private final PrintWriter err;

    ModelEvaluation(CommandLine cli) {
        this.cli = cli;
        this.out = cli.getOut();
        this.err = cli.getErr();
    }

    /** Exit 0 when every picture was scored, 3 when some could not be read (the rest are still reported). */
    int run(Path model, String vgg, Path images, TemplatesSourceOptions templates, Path output, boolean json) throws IOException {
        if (images == null) throw new CommandLine.ParameterException(cli, "--model needs --images DIR, the pictures to score it on");
        if (!Files.isDirectory(images)) throw new IllegalArgumentException("--images " + images + " is not a folder");
        List<Path> files = Batch.expandInputs(List.of(images.toString()));
        if (files.isEmpty()) throw new IllegalArgumentException("--images " + images + " holds no PNG or JPEG pictures");
        Batch.requireDistinctStems(files);
        TemplateSet set = templates.load(err);
        List<CompareReport> reports = new ArrayList<>();
        List<String> folders = new ArrayList<>();
        List<List<IndexMap>> maps = new ArrayList<>();
        int failed = 0;
        String setup;
        try (LearnedModel learned = LearnedModel.open(cli, model, vgg, set)) {
            MosaicRenderer renderer = new MosaicRenderer(set, MosaicStep.ENCODER_STRIDE);
            ClassicOptions classic = ClassicOptions.defaults(ClassicOptions.defaultSubcells(set, MosaicStep.ENCODER_STRIDE), set.isGlyphSet());
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                String name = images.relativize(file).toString();
                err.printf(Locale.ROOT, "tessera eval: %s (%d/%d)%n", name, i + 1, files.size());
                err.flush();
                BufferedImage picture;
                try {
                    picture = Images.read(file);
                } catch (IOException | RuntimeException e) {
                    err.println("tessera eval: " + file + ": cannot decode: " + e.getMessage() + "; skipped");
                    failed++;
                    continue;
                }
                if (picture.getWidth() < MosaicStep.ENCODER_STRIDE || picture.getHeight() < MosaicStep.ENCODER_STRIDE) {
                    err.println("tessera eval: " + file + ": " + picture.getWidth() + "x" + picture.getHeight()
                            + " is smaller than one 8-px cell; skipped");
                    failed++;
                    continue;
                }
                CellGrid grid = CellGrid.ofCellSize(picture.getWidth(), picture.getHeight(), MosaicStep.ENCODER_STRIDE);
                BufferedImage target = picture.getSubimage(grid.region().x, grid.region().y, grid.region().width, grid.region().height);
                List<CompareEntry> entries = new ArrayList<>();
                long start = System.nanoTime();
                IndexMap mine = learned.indexMap(picture, grid);
                entries.add(entry("learned", learned.describe(), mine, target, renderer, start, output != null));
                start = System.nanoTime();
                ClassicMatcher matcher = new ClassicMatcher(set, classic);
                IndexMap reference = matcher.match(picture, grid).map();
                entries.add(entry("classic", matcher.toString(), reference, target, renderer, start, output != null));
                maps.add(List.of(mine, reference));
                reports.add(new CompareReport(name, target, grid.columns() + "x" + grid.rows() + " cells of 8 px"
                        + (grid.cropped() ? "; " + grid.describeCrop() : ""), entries));
                folders.add(Batch.stem(file));
            }
            setup = "'" + set.description() + "' (" + set.count() + " templates); 8-px cells; " + learned.describe()
                    + "; reference: classic with its defaults on the same grid";
        }
        if (reports.isEmpty()) {
            err.println("tessera eval: none of the " + files.size() + " picture(s) in " + images + " could be scored");
            return ExitCodes.INPUT;
        }
        FolderReport report = new FolderReport("tessera eval: " + model.getFileName() + " on " + images, setup, reports, folders);
        if (output != null) {
            report.write(output);
            for (int i = 0; i < reports.size(); i++)
                for (int m = 0; m < 2; m++)
                    maps.get(i).get(m).save(output.resolve(folders.get(i)).resolve(reports.get(i).entries().get(m).indexMap()));
        }
        if (json) {
            out.print(report.toJson());
        } else {
            out.println("model  " + model + "; " + reports.size() + " picture(s) in " + images);
            out.println("setup  " + setup);
            out.print(report.toTable());
        }
        if (output != null) (json ? err : out).println("-> " + output.resolve("report.html") + ", report.png, report.json");
        out.flush();
        err.flush();
        return failed > 0 ? ExitCodes.INPUT : ExitCodes.OK;
    }

    /**
     * One mode's mosaic of the picture, its figures, and the seconds since {@code startNs} its choice
     * took; its index map is MODE.json beside the report when one is written.
     */
    private static CompareEntry entry(String mode, String description, IndexMap map, BufferedImage target, MosaicRenderer renderer,
            long startNs, boolean saved) {
        double seconds = (System.nanoTime() - startNs) / 1e9;
        BufferedImage mosaic = renderer.image(map);
        return new CompareEntry(mode, description, mosaic,
                MosaicQuality.measure(target, mosaic).withDistinctTemplates(map.distinctTemplates()), seconds,
                saved ? mode + ".json" : null);
    }
}
