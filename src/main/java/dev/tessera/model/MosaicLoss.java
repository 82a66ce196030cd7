package dev.tessera.model;

import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * What a mosaic is trained or fitted against: a differentiable distance between a predicted mosaic
 * and the picture it should reproduce, as seen from a distance.
 *
 * <p>Contract shared by every loss: images are B×3×H×W RGB in 0..255, in any floating dtype (float
 * for work, double for gradient checks). {@link #prepare} does everything that depends on the
 * target alone, once, under no-grad; the {@link LossTarget} it returns owns that memory (close it)
 * and is reused across steps. {@link #loss} builds a LibTorch autograd graph from the prediction to
 * a scalar, so {@code loss(...).backward()} leaves the gradient in {@code prediction.grad()}. Run
 * each evaluation inside a PointerScope; the target lives outside.
 */
public interface MosaicLoss {
    /** Precomputes what the loss needs of the target image (B×3×H×W RGB 0..255). */
    LossTarget prepare(Tensor image);

    /** The scalar loss of a prediction (same shape and dtype as the prepared image) against a target from {@link #prepare}. */
    Tensor loss(Tensor prediction, LossTarget target);

    /**
     * Names of the terms the loss is a sum of (for training logs and charts), in the order of
     * {@link #lastTerms}; empty for a loss that does not break down.
     */
    default List<String> termNames() {
        return List.of();
    }

    /**
     * Each term's share of the value the last {@link #loss} call on this object returned, in the order
     * of {@link #termNames}, so that they add up to that value (up to rounding); all NaN before the
     * first call. A copy, read on the thread that called {@link #loss}.
     */
    default double[] lastTerms() {
        return new double[0];
    }

    /** One plain sentence: which loss, its settings, and what it needs (for the run's output). */
    String describe();
}
