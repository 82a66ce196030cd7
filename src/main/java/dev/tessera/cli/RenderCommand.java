package dev.tessera.cli;

import dev.tessera.batch.Batch;
import dev.tessera.classic.CellGrid;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.Checkpoint;
import dev.tessera.train.LearnedMatcher;
import dev.tessera.train.TemperatureSchedule;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tessera render}: pixels from a saved index map, or from pictures with a trained checkpoint
 * (one forward pass each, argmax per cell), at any tile size.
 */
@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Render a saved index map (from classic, fit or compare) with its template set, or render pictures "
                + "with a trained checkpoint (--model, from `tessera train`): one forward pass each, the most likely "
                + "template per 8-px cell. The set (and the VGG16 weights) must be the ones the map or model was made with."},
        footer = {"", "Exit codes: 0 written, 2 usage, 3 bad input (map, set, model, or a set that does not match), 4 I/O failure."})
final class RenderCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--index", paramLabel = "MAP", description = "Index map (.json or .csv) to render; -o is the image file.")
    Path index;

    @Option(names = "--model", paramLabel = "FILE", description = "Trained checkpoint (.tsr): render the IN pictures; -o is a folder.")
    Path model;

    @Option(names = "--vgg", paramLabel = "FILE|seeded", description = "With --model: the VGG16 weights it was trained with (none for a model trained without --vgg, on a weight-free encoder).")
    String vgg;

    @Parameters(paramLabel = "IN", arity = "0..*", description = "With --model: images, folders of images, or globs.")
    List<String> inputs;

    @Mixin
    TemplatesSourceOptions templates;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE|OUTDIR", required = true,
            description = "Output image with --index (.png streams any size; .jpg); output folder with --model.")
    Path output;

    @Option(names = "--tile", paramLabel = "PX", description = "Tile size in pixels (default: the map's cell size).")
    Integer tile;

    @Option(names = "--overwrite", description = "With --model: redo pictures whose outputs exist (default: skip them).")
    boolean overwrite;

    @Option(names = "--soft", description = "With --model: also write NAME-soft.png, the soft mosaic (every cell the blend of all "
            + "templates weighted by softmax(β·logits) at the checkpoint's β, what training optimises; NAME.png is its argmax).")
    boolean soft;

    @Override
    public Integer call() throws Exception {
        if ((index == null) == (model == null)) throw usage("give exactly one of --index MAP and --model FILE");
        return index != null ? renderIndex() : renderModel();
    }

    private int renderIndex() throws Exception {
        if (inputs != null && !inputs.isEmpty()) throw usage("pictures (" + inputs.get(0) + ") are rendered with --model, not --index");
        if (soft) throw usage("--soft needs --model: an index map holds one template per cell, not the blend");
        IndexMap map = IndexMap.load(index);
        TemplateSet set = templates.load(spec.commandLine().getErr());
        int size = tile != null ? tile : map.cellSize();
        new MosaicRenderer(set, size).write(map, output);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("render: %dx%d cells of %d px -> %s (%dx%d)%n", map.columns(), map.rows(), size, output,
                map.columns() * size, map.rows() * size);
        out.flush();
        return ExitCodes.OK;
    }

    private int renderModel() throws Exception {
        if (inputs == null || inputs.isEmpty()) throw usage("--model needs pictures to render (IN...)");
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        List<Path> files = Batch.expandInputs(inputs);
        Batch.requireDistinctStems(files);
        Checkpoint checkpoint = Checkpoint.load(model);
        TemplateSet set = templates.load(err);
        checkpoint.requireTemplateSet(set.contentHash());
        Files.createDirectories(output);
        Encoder chosen;
        try {
            chosen = VggFlag.forCheckpoint(checkpoint, vgg, set);
        } catch (IllegalArgumentException e) {
            throw usage("--model: " + e.getMessage());  // the message names the file
        }
        int size = tile != null ? tile : 8;
        // The soft mosaic's templates at the render size, made once for the batch (N×3×t×t: 83 MB for 1,700 tiles at 64 px).
        try (Encoder encoder = chosen; Decoder decoder = checkpoint.decoder(); Tensor softTemplates = soft ? set.tensor(size) : null) {
            LearnedMatcher matcher = new LearnedMatcher(encoder, decoder, set);
            MosaicRenderer renderer = new MosaicRenderer(set, size);
            double beta = TemperatureSchedule.resume(checkpoint.temperature()).beta();
            AtomicBoolean croppedSaid = new AtomicBoolean();
            if (soft) err.printf(Locale.ROOT, "render: soft mosaics at β %.4g (the checkpoint's, iteration %d)%n", beta,
                    checkpoint.iteration());
            // LibTorch already uses every core inside one forward pass: one picture at a time.
            Batch.Summary summary = Batch.run(files, 1, in -> !overwrite && Files.exists(output.resolve(Batch.stem(in) + ".png")),
                    in -> {
                        BufferedImage picture = Images.read(in);
                        CellGrid grid = LearnedMatcher.grid(picture);
                        // Said once a run, not once a picture: a folder of phone photos would repeat it for every one.
                        if (grid.cropped() && !croppedSaid.getAndSet(true))
                            err.println("\nrender: pictures are cropped to whole 8-px cells, centred (" + in.getFileName() + ": "
                                    + grid.describeCrop() + "); later ones are not listed");
                        LearnedMatcher.Rendered rendered = matcher.render(picture, (float) beta, softTemplates);
                        IndexMap map = rendered.map();
                        map.save(output.resolve(Batch.stem(in) + ".json"));
                        renderer.write(map, output.resolve(Batch.stem(in) + ".png"));
                        if (soft) Images.write(rendered.soft(), output.resolve(Batch.stem(in) + "-soft.png"));
                    }, err, "render");
            out.printf("render: %d written, %d skipped, %d failed -> %s%n", summary.done(), summary.skipped(), summary.failed(), output);
            out.flush();
            return summary.failed() > 0 ? ExitCodes.INPUT : ExitCodes.OK;
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
