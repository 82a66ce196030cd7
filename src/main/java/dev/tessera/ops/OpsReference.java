package dev.tessera.ops;

import static org.bytedeco.pytorch.global.torch.constant_pad_nd;
import static org.bytedeco.pytorch.global.torch.conv2d;
import static org.bytedeco.pytorch.global.torch.conv_transpose2d;
import static org.bytedeco.pytorch.global.torch.outer;
import static org.bytedeco.pytorch.global.torch.softmax;

import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;

/**
 * The same ops as {@link Ops}, composed from stock LibTorch ops: what the native kernels are
 * checked against (forward, and backward through LibTorch autograd) and timed against. Works in
 * any floating dtype, so tests can run it in double.
 */
public final class OpsReference {
    private OpsReference() {}

    /** Zero padding, then a depthwise conv2d with the outer product of the taps. */
    public static Tensor blur(Tensor input, GaussianBlur blur) {
        long channels = input.size(1);
        int k = blur.size();
        Tensor taps = Tensor.create(blur.tapsUnsafe()).to(input.options(), false, false, new MemoryFormatOptional());
        Tensor weight = outer(taps, taps).reshape(1, 1, k, k).expand(channels, 1, k, k).contiguous();
        int b = blur.padBefore(), a = blur.padAfter();
        Tensor padded = constant_pad_nd(input, b, a, b, a);
        return conv2d(padded, weight, new TensorOptional(), new long[] {blur.stride(), blur.stride()},
                new long[] {0, 0}, new long[] {1, 1}, channels);
    }

    /** softmax(β·logits) over the templates, then a transposed convolution with the templates as kernel. */
    public static Tensor mix(Tensor logits, Tensor templates, double beta) {
        Tensor p = softmax(logits.mul(new Scalar(beta)), 1);
        return conv_transpose2d(p, templates, new TensorOptional(), new long[] {templates.size(2), templates.size(3)},
                new long[] {0, 0}, new long[] {0, 0}, 1, 1, 1);
    }
}
