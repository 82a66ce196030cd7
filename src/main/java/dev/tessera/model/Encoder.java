package dev.tessera.model;

import org.bytedeco.pytorch.Tensor;

/**
 * What the decoder sees of a picture (DESIGN §1 step 1): B×3×H×W sRGB 0..255, H and W multiples of
 * {@link #STRIDE}, to B×{@link #CHANNELS}×H/8×W/8 features. VGG16 up to pool3 with real weights, or,
 * without them, whatever measures best (DESIGN §2): the signature encoder (dev.tessera.train), each
 * cell as classic matching sees it, on which the decoder can start at classic's choice exactly;
 * earlier, {@link PixelEncoder}, the cell's own pixels.
 * A checkpoint records {@link #origin()} and refuses another encoder.
 */
public interface Encoder extends AutoCloseable {
    /** Pixels per feature cell: VGG16's pool3 stride, which fixes the method's 8-px cells. */
    int STRIDE = 8;
    /** Feature channels, the decoder's input width. */
    int CHANNELS = 256;

    /** The features of a batch; frozen, so callers run it under no-grad. */
    Tensor features(Tensor images);

    /** Identifies the encoder and its weights, for checkpoints and messages. */
    String origin();

    /** How pixels are prepared for it (a {@link Preprocessing} flag for VGG16), recorded beside the origin. */
    String preprocessingName();

    @Override
    void close();
}
