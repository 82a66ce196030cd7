package dev.tessera.train;

import static org.bytedeco.pytorch.global.torch.cat;

import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.model.LossTarget;
import dev.tessera.model.MosaicLoss;
import dev.tessera.ops.Ops;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * Validation previews of a training run (DESIGN §1 step 8): for a few fixed pictures, one row each
 * of input | soft mosaic at the current β | argmax mosaic (what {@code render --model} would
 * paste), written as {@code <checkpoint-stem>-preview-<iteration>.png} beside the checkpoint, with
 * the loss of both mosaics on those pictures.
 *
 * <p>One file per preview rather than one overwritten file: the point of a preview is to see how
 * the run evolved (whether the argmax catches up with the soft mosaic as β ramps), which a later
 * look can only do if the earlier ones are still there, and a resumed run adds to the series
 * instead of replacing it. Each file is still written atomically ({@link Images#write}), so a viewer
 * never sees half a PNG. Owns the preview pictures (close it); the rest stays the caller's.
 */
public final class TrainingPreview implements AutoCloseable {
    /** The method's validation interval (DESIGN §1 step 8: previews every 100 iterations). */
    public static final int DEFAULT_EVERY = 100;
    /** Pictures per preview: two show whether a choice is specific to a picture, more only cost time. */
    public static final int PICTURES = 2;

    private final Encoder encoder;
    private final Decoder decoder;
    private final Tensor templates;
    private final MosaicLoss loss;
    private final Tensor images;
    private final Path checkpoint;
    private boolean closed;

    /** What one preview wrote, and the loss of its soft and its argmax mosaic (mean over the pictures). */
    public record Written(long iteration, Path file, double softLoss, double hardLoss) {}

    /**
     * @param images B×3×H×W float32 RGB 0..255, the fixed preview pictures; a copy is kept
     * @param checkpoint the run's checkpoint, whose folder and stem name the previews
     */
    public TrainingPreview(Encoder encoder, Decoder decoder, Tensor templates, MosaicLoss loss, Tensor images, Path checkpoint) {
        this.encoder = encoder;
        this.decoder = decoder;
        this.templates = templates;
        this.loss = loss;
        this.checkpoint = checkpoint;
        try (PointerScope scope = new PointerScope()) {
            this.images = images.clone();
            this.images.retainReference(); // outlives the scope, released by close()
        }
    }

    /** {@code <stem>-preview-<iteration>.png} in the checkpoint's folder, the stem being its name up to the last dot. */
    public static Path fileFor(Path checkpoint, long iteration) {
        String name = checkpoint.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return checkpoint.toAbsolutePath().resolveSibling(stem + "-preview-" + iteration + ".png");
    }

    /** Renders the preview of the decoder as it is now, at β, and writes it for {@code iteration}. */
    public Written write(long iteration, double beta) {
        if (closed) throw new IllegalStateException("this TrainingPreview is closed");
        Path file = fileFor(checkpoint, iteration);
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard(); LossTarget target = loss.prepare(images)) {
            Tensor logits = decoder.forward(encoder.features(images)).contiguous();
            Tensor soft = Ops.mixForward(logits, templates, (float) beta);
            Tensor hard = HardMosaic.ofArgmax(logits, templates);
            double softLoss = loss.loss(soft, target).item_double(), hardLoss = loss.loss(hard, target).item_double();
            Tensor rows = cat(new TensorVector(images, soft, hard), 3); // B×3×H×3W
            Tensor sheet = cat(rows.unbind(0), 1).unsqueeze(0); // 1×3×B·H×3W
            Images.write(Images.toImage(sheet), file);
            return new Written(iteration, file, softLoss, hardLoss);
        }
    }

    /** Frees the preview pictures; closing twice is harmless. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        images.close();
    }
}
