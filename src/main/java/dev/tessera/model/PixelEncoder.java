package dev.tessera.model;

import static org.bytedeco.pytorch.global.torch.avg_pool2d;
import static org.bytedeco.pytorch.global.torch.cat;
import static org.bytedeco.pytorch.global.torch.pixel_unshuffle;
import static org.bytedeco.pytorch.global.torch.zeros;

import java.util.Arrays;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * The weight-free encoder DESIGN §2 allows when no VGG16 weights exist: each 8-px cell described
 * by its own pixels, in the shape the method's decoder takes (256 channels at H/8 × W/8, like VGG16
 * pool3). Channels: 192 are the cell's 8×8 sRGB pixels scaled to −1..1 (channel-major, as
 * {@code pixel_unshuffle} lays them out); 48 are its 4×4 sub-cells in Oklab (L − 0.5, a, b, times
 * 2, 4, 4 so that each spans about −1..1), the space classic matches in; the last 16 are zero, to
 * keep the decoder's input width at the method's 256. The cell's neighbours reach each choice
 * through the decoder's 3×3 convolution. Nothing is learned or loaded; its identity is
 * {@link #ORIGIN}.
 *
 * <p>Measured against the seeded VGG16 as the decoder's encoder (bench/RESULTS.md, "Which encoder
 * without weights"): after the same classic imitation over 124 training pictures, the decoder's
 * argmax agreed with classic on held-out pictures twice as often (19–40% of cells against 3–23%)
 * and came 0.6–1.7 dB closer to classic's PSNR, at a fraction of the time per step; so it is the
 * encoder when no VGG16 weight file is given.
 */
public final class PixelEncoder implements Encoder {
    /** What a checkpoint records for this encoder. */
    public static final String ORIGIN = "pixels: 8x8 sRGB + 4x4 Oklab per cell (tessera pixel encoder v1)";
    static final int PIXEL_CHANNELS = 3 * STRIDE * STRIDE;
    static final int OKLAB_CHANNELS = 3 * 4 * 4;

    /** B×3×H×W sRGB 0..255 (H, W multiples of 8) to B×256×H/8×W/8 features; no gradient is needed through it. */
    @Override
    public Tensor features(Tensor images) {
        if (images.dim() != 4 || images.size(1) != 3)
            throw new IllegalArgumentException("pixel encoder: expected B×3×H×W images, got " + Arrays.toString(images.sizes().vec().get()));
        long h = images.size(2), w = images.size(3);
        if (h % STRIDE != 0 || w % STRIDE != 0)
            throw new IllegalArgumentException("pixel encoder: image sides must be multiples of " + STRIDE + ", got " + h + "×" + w);
        Tensor pixels = pixel_unshuffle(images.div(new Scalar(127.5)).sub(new Scalar(1.0)), STRIDE);
        Tensor lab = avg_pool2d(Oklab.fromSrgb255(images), 2, 2);
        Tensor scale = Tensor.create(new double[] {2, 4, 4}).reshape(1, 3, 1, 1).to(lab.options(), false, false, new MemoryFormatOptional());
        Tensor shift = Tensor.create(new double[] {0.5, 0, 0}).reshape(1, 3, 1, 1).to(lab.options(), false, false, new MemoryFormatOptional());
        Tensor sub = pixel_unshuffle(lab.sub(shift).mul(scale), STRIDE / 2);
        long pad = CHANNELS - PIXEL_CHANNELS - OKLAB_CHANNELS;
        Tensor zero = zeros(new long[] {images.size(0), pad, h / STRIDE, w / STRIDE}, images.options());
        return cat(new TensorVector(pixels, sub, zero), 1).contiguous();
    }

    @Override
    public String origin() {
        return ORIGIN;
    }

    /** It reads sRGB 0..255 as given. */
    @Override
    public String preprocessingName() {
        return "none";
    }

    /** Nothing native is held. */
    @Override
    public void close() {}
}
