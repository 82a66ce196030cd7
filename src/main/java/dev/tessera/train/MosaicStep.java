package dev.tessera.train;

import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.model.LossTarget;
import dev.tessera.model.MosaicLoss;
import dev.tessera.ops.Ops;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;

/**
 * One forward and backward pass of the learned method, stitched as DESIGN §4 describes: LibTorch
 * autograd from the (frozen) encoder's features through the decoder to the logits; the native mix
 * forward (the soft mosaic at β); the loss's own LibTorch autograd from the mosaic, taken as a
 * leaf, to the mosaic's gradient; the native mix backward to the logits' gradient; and
 * {@code logits.backward(grad_logits)} into the decoder's parameters.
 *
 * <p>Both losses apply the viewing blur and the pyramid themselves, with autograd, so the leaf is
 * the unblurred mosaic: blurring it here as well would blur twice. The templates, encoder, decoder
 * and loss stay owned by the caller; call {@link #forwardBackward} inside a PointerScope.
 */
public final class MosaicStep {
    /** Pixels per cell side: VGG16 pool3 has three 2×2 poolings. */
    public static final int ENCODER_STRIDE = 8;

    private final Encoder encoder;
    private final Decoder decoder;
    private final Tensor templates;
    private final MosaicLoss loss;

    /**
     * @param templates N×3×8×8 float32 RGB 0..255 (the set's analysis tensor), N = the decoder's templates
     */
    public MosaicStep(Encoder encoder, Decoder decoder, Tensor templates, MosaicLoss loss) {
        String shape = java.util.Arrays.toString(templates.sizes().vec().get());
        if (templates.dim() != 4 || templates.size(0) != decoder.templates())
            throw new IllegalArgumentException("the decoder has " + decoder.templates() + " outputs but the template tensor has shape "
                    + shape + "; use the template set it was made for");
        if (templates.size(2) != ENCODER_STRIDE || templates.size(3) != ENCODER_STRIDE)
            throw new IllegalArgumentException("templates are " + templates.size(2) + "×" + templates.size(3) + " but the encoder sees "
                    + ENCODER_STRIDE + "×" + ENCODER_STRIDE + " cells; prepare the set with --analysis-size " + ENCODER_STRIDE);
        this.encoder = encoder;
        this.decoder = decoder;
        this.templates = templates;
        this.loss = loss;
    }

    /** What one pass produced: the loss, and the soft mosaic at β (B×3×H×W, for previews). */
    public record Pass(double loss, Tensor softMosaic) {}

    /**
     * Logits B×N×H/8×W/8 of images B×3×H×W (float32 RGB 0..255, H and W multiples of 8), with the
     * autograd graph from the decoder's parameters; the encoder runs under no-grad, being frozen.
     */
    public Tensor logits(Tensor images) {
        if (images.dim() != 4 || images.size(2) % ENCODER_STRIDE != 0 || images.size(3) % ENCODER_STRIDE != 0)
            throw new IllegalArgumentException("images must be B×3×H×W with H and W multiples of " + ENCODER_STRIDE + ", got "
                    + java.util.Arrays.toString(images.sizes().vec().get()) + "; pad or crop them first");
        Tensor features;
        try (NoGradGuard frozen = new NoGradGuard()) {
            features = encoder.features(images);
        }
        return decoder.forward(features);
    }

    /**
     * Forward and backward for a batch whose loss target was prepared from the same images;
     * accumulates the gradients into the decoder's parameters (zero them before, as an optimizer
     * step expects).
     */
    public Pass forwardBackward(Tensor images, LossTarget target, float beta) {
        return throughMix(logits(images), templates, loss, target, beta);
    }

    /**
     * Steps 2–5 of the stitched pass from logits that carry their autograd graph: the native mix
     * at β, the loss's autograd from the mosaic as a leaf, the native mix backward, and
     * {@code logits.backward(grad_logits)}.
     */
    static Pass throughMix(Tensor logits, Tensor templates, MosaicLoss loss, LossTarget target, float beta) {
        Tensor rawLogits = logits.detach();
        Tensor mosaic = Ops.mixForward(rawLogits, templates, beta);
        Tensor leaf = mosaic.detach().set_requires_grad(true);
        Tensor value = loss.loss(leaf, target);
        value.backward();
        Tensor gradLogits = Ops.mixBackward(leaf.grad().contiguous(), rawLogits, templates, beta);
        logits.backward(gradLogits, new BoolOptional(), false, new TensorArrayRefOptional());
        return new Pass(value.item_double(), mosaic);
    }
}
