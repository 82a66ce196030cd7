package dev.tessera.model;

import static org.bytedeco.pytorch.global.torch.conv2d;
import static org.bytedeco.pytorch.global.torch.where;

import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;

/**
 * sRGB (0..255) to Oklab (Björn Ottosson, 2020) and to luma, as differentiable LibTorch composites
 * with gradients that stay finite everywhere, including at black.
 */
final class Oklab {
    /** Linear sRGB to cone responses (LMS). */
    private static final double[] TO_LMS = {
        0.4122214708, 0.5363325363, 0.0514459929,
        0.2119034982, 0.6806995451, 0.1073969566,
        0.0883024619, 0.2817188376, 0.6299787005};
    /** Cube-rooted LMS to L, a, b. */
    private static final double[] TO_LAB = {
        0.2104542553, 0.7936177850, -0.0040720468,
        1.9779984951, -2.4285922050, 0.4505937099,
        0.0259040371, 0.7827717662, -0.8086757660};
    /** BT.601 luma weights, the ones SSIM is conventionally measured with on colour images. */
    private static final double[] LUMA = {0.299, 0.587, 0.114};
    /**
     * Shift inside the cube root: the derivative of x^(1/3) is infinite at 0 (black pixels), that of
     * (x + ε)^(1/3) is at most ε^(-2/3)/3 ≈ 3.3e3. Subtracting ε^(1/3) keeps 0 at 0, and for
     * x ≫ ε the shift is a constant that cancels in differences.
     */
    static final double CBRT_EPS = 1e-6;

    private Oklab() {}

    /** B×3×H×W sRGB 0..255 to B×3×H×W Oklab (L about 0..1). */
    static Tensor fromSrgb255(Tensor rgb) {
        Tensor c = rgb.div(new Scalar(255.0));
        // The gamma branch sees values clamped to its domain, so the unused branch never makes a NaN gradient.
        Tensor gamma = c.clamp_min(new Scalar(0.04045)).add(new Scalar(0.055)).div(new Scalar(1.055)).pow(new Scalar(2.4));
        Tensor linear = where(c.le(new Scalar(0.04045)), c.div(new Scalar(12.92)), gamma);
        Tensor lms = mix(linear, TO_LMS, 3);
        Tensor root = lms.abs().add(new Scalar(CBRT_EPS)).pow(new Scalar(1.0 / 3)).sub(new Scalar(Math.cbrt(CBRT_EPS))).mul(lms.sign());
        return mix(root, TO_LAB, 3);
    }

    /** B×3×H×W sRGB to B×1×H×W luma, same units. */
    static Tensor luma(Tensor rgb) {
        return mix(rgb, LUMA, 1);
    }

    /** A per-pixel linear map of the channels: a 1×1 convolution with an out×3 matrix. */
    private static Tensor mix(Tensor x, double[] matrix, int out) {
        Tensor w = Tensor.create(matrix).reshape(out, 3, 1, 1).to(x.options(), false, false, new MemoryFormatOptional());
        return conv2d(x, w, new TensorOptional(), new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1}, 1);
    }
}
