package dev.tessera.model;

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

    /** One plain sentence: which loss, its settings, and what it needs (for the run's output). */
    String describe();
}
