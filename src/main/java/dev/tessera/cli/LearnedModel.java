package dev.tessera.cli;

import dev.tessera.classic.CellGrid;
import dev.tessera.image.Images;
import dev.tessera.image.Resampler;
import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.render.IndexMap;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.Checkpoint;
import dev.tessera.train.LearnedMatcher;
import dev.tessera.train.MosaicStep;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine;

/**
 * A trained checkpoint as one more mode of `compare` and `eval --model`: opened with its VGG16 and
 * checked against the template set up front (a set or VGG16 other than the checkpoint's is a usage
 * error naming both), then asked for the index map of a picture on a given grid. The decoder sees
 * 8-px cells (the encoder's stride), so on a grid of other cells the cropped picture is first
 * area-resampled to 8 px per cell, as `fit` resamples it; the map keeps the grid's cell size.
 */
final class LearnedModel implements AutoCloseable {
    private final Path file;
    private final Checkpoint checkpoint;
    private final TemplateSet set;
    private final Encoder encoder;
    private final Decoder decoder;
    private final LearnedMatcher matcher;

    private LearnedModel(Path file, Checkpoint checkpoint, TemplateSet set, Encoder encoder, Decoder decoder) {
        this.file = file;
        this.checkpoint = checkpoint;
        this.set = set;
        this.encoder = encoder;
        this.decoder = decoder;
        this.matcher = new LearnedMatcher(encoder, decoder, set);
    }

    /**
     * Loads the checkpoint (an unreadable one is an IOException, exit 3) and its encoder; a set or
     * encoder that is not the checkpoint's ({@code vgg} missing for a VGG16 one, or given for a pixel
     * one) is a usage error (exit 2).
     */
    static LearnedModel open(CommandLine cli, Path model, String vgg, TemplateSet set) throws IOException {
        Checkpoint checkpoint = Checkpoint.load(model);
        Encoder encoder;
        try {
            checkpoint.requireTemplateSet(set.contentHash());
            encoder = VggFlag.forCheckpoint(checkpoint, vgg, set);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--model: " + e.getMessage());  // the message names the file
        }
        try {
            return new LearnedModel(model, checkpoint, set, encoder, checkpoint.decoder());
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    /** The choice per cell of the grid's region of the picture; scores are the chosen template's logit. */
    IndexMap indexMap(BufferedImage image, CellGrid grid) {
        int stride = MosaicStep.ENCODER_STRIDE;
        BufferedImage seen;
        if (grid.cellSize() == stride) {
            seen = image.getSubimage(grid.region().x, grid.region().y, grid.region().width, grid.region().height);
        } else {
            int w = grid.columns() * stride, h = grid.rows() * stride;
            float[] planes = Resampler.resize(image, grid.region(), set.background(), w, h);
            try (PointerScope scope = new PointerScope()) {
                seen = Images.toImage(Tensor.create(planes, 1, 3, h, w));
            }
        }
        IndexMap map = matcher.indexMap(seen);
        if (map.columns() != grid.columns() || map.rows() != grid.rows())
            throw new IllegalStateException("the learned map is " + map.columns() + "x" + map.rows() + " cells, the grid "
                    + grid.columns() + "x" + grid.rows());
        if (grid.cellSize() == stride) return map;
        int[] templates = new int[map.cells()];
        float[] scores = new float[map.cells()];
        for (int i = 0; i < templates.length; i++) {
            templates[i] = map.template(i);
            scores[i] = map.score(i);
        }
        return new IndexMap(grid.columns(), grid.rows(), grid.cellSize(), templates, scores, 0f, null, set.contentHash(), set.names());
    }

    /** A line for reports: which checkpoint, at which iteration. */
    String describe() {
        return "learned decoder " + file.getFileName() + " (iteration " + checkpoint.iteration() + ", encoder " + VggFlag.describe(encoder)
                + "), the most likely template per cell";
    }

    Checkpoint checkpoint() {
        return checkpoint;
    }

    @Override
    public void close() {
        decoder.close();
        encoder.close();
    }
}
