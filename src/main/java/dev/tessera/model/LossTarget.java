package dev.tessera.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * What a {@link MosaicLoss} precomputed from a target image (features, blurred pyramids), computed
 * once under no-grad and reused across steps. It owns native memory outside any PointerScope:
 * close it when the target is done with. Closing twice is harmless; use after close throws.
 */
public final class LossTarget implements AutoCloseable {
    private final MosaicLoss owner;
    private final long[] imageShape;
    private final ScalarType dtype;
    private final List<Tensor> tensors;
    private boolean closed;

    private LossTarget(MosaicLoss owner, long[] imageShape, ScalarType dtype, List<Tensor> tensors) {
        this.owner = owner;
        this.imageShape = imageShape;
        this.dtype = dtype;
        this.tensors = tensors;
    }

    /**
     * Runs {@code compute} on the image under no-grad in a scope of its own, and keeps the tensors
     * it returns beyond that scope (and beyond any scope the caller has open).
     */
    static LossTarget capture(MosaicLoss owner, Tensor image, Function<Tensor, List<Tensor>> compute) {
        if (image.dim() != 4 || image.size(1) != 3)
            throw new IllegalArgumentException("target image must be B×3×H×W RGB, got shape " + Arrays.toString(shapeOf(image)));
        List<Tensor> kept = new ArrayList<>();
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            for (Tensor t : compute.apply(image.detach())) {
                t.retainReference(); // one reference more than the scope releases: it outlives it
                kept.add(t);
            }
        }
        return new LossTarget(owner, shapeOf(image), image.scalar_type().intern(), List.copyOf(kept));
    }

    /** The precomputed tensors, after checking that this target suits the loss and the prediction. */
    List<Tensor> tensorsFor(MosaicLoss loss, Tensor prediction) {
        if (closed) throw new IllegalStateException("this LossTarget is closed");
        if (loss != owner) throw new IllegalArgumentException("this target was prepared by another loss: " + owner.describe());
        if (!Arrays.equals(imageShape, shapeOf(prediction)))
            throw new IllegalArgumentException("prediction shape " + Arrays.toString(shapeOf(prediction))
                    + " differs from the target's " + Arrays.toString(imageShape));
        if (prediction.scalar_type().intern() != dtype)
            throw new IllegalArgumentException("prediction dtype " + prediction.scalar_type().intern()
                    + " differs from the target's " + dtype + "; prepare the target in the same dtype");
        return tensors;
    }

    /** B×3×H×W of the image this target was prepared from. */
    public long[] imageShape() {
        return imageShape.clone();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        tensors.forEach(Tensor::close);
    }

    static long[] shapeOf(Tensor t) {
        return t.sizes().vec().get();
    }
}
