package dev.tessera.ops;

import static org.bytedeco.pytorch.global.torch.empty;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.softmax;

import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Test helpers: fresh seeds, NaN-poisoned outputs, error measures against a double reference. */
final class Tensors {
    private Tensors() {}

    /** Seeds LibTorch with a fresh seed and returns it, so a failure message can name it. */
    static long freshSeed() {
        long seed = System.nanoTime() ^ Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
        manual_seed(seed);
        return seed;
    }

    static Tensor nanFloat(long... shape) {
        Tensor t = empty(shape, new TensorOptions(ScalarType.Float), new MemoryFormatOptional());
        t.fill_(new Scalar(Float.NaN));
        return t;
    }

    static Tensor toDouble(Tensor t) {
        return t.to(ScalarType.Double);
    }

    /** max |actual - expected| / max |expected| (normwise), computed in double; NaN if any NaN. */
    static double relativeError(Tensor actual, Tensor expected) {
        double scale = Math.max(maxAbs(expected), Double.MIN_NORMAL);
        return absoluteError(actual, expected) / scale;
    }

    static double absoluteError(Tensor actual, Tensor expected) {
        Tensor diff = toDouble(actual).sub(toDouble(expected)).abs();
        if (diff.isnan().any().item_bool()) return Double.NaN;
        return diff.max().item_double();
    }

    static double maxAbs(Tensor t) {
        return toDouble(t).abs().max().item_double();
    }

    static boolean allFinite(Tensor t) {
        return t.isfinite().all().item_bool();
    }

    /**
     * The error a float32 {@code mix_backward} may make, per cell and template, up to a small
     * factor: grad_k = β·p_k·(g_k − Σ_m p_m·g_m) with g_k = ⟨grad_out cell, T_k⟩, and each dot
     * product of n terms rounds with an error proportional to A_k = ⟨|grad_out cell|, |T_k|⟩; so
     * the scale is β·p_k·(A_k + Σ_m p_m·A_m). Dividing by max|grad| instead asks for accuracy the
     * inputs do not carry: when g_0 ≈ g_1 by chance the exact gradient is small and every float
     * summation order misses it by the same absolute amount (a 1-cell N=2 case did, at 2.9e-5).
     * Returns the largest such scale, in double.
     */
    static double mixBackwardScale(Tensor gradOut, Tensor logits, Tensor templates, double beta) {
        long b = logits.size(0), n = logits.size(1), h = logits.size(2), w = logits.size(3);
        long c = templates.size(1), th = templates.size(2), tw = templates.size(3);
        Tensor g = toDouble(gradOut).abs().reshape(b, c, h, th, w, tw).permute(0, 2, 4, 1, 3, 5).reshape(b * h * w, c * th * tw);
        Tensor a = g.matmul(toDouble(templates).abs().reshape(n, c * th * tw).t()); // (cells, N)
        Tensor p = softmax(toDouble(logits).mul(new Scalar(beta)), 1).permute(0, 2, 3, 1).reshape(b * h * w, n);
        Tensor mean = p.mul(a).sum(new long[] {1}, true, new ScalarTypeOptional());
        return p.mul(a.add(mean)).mul(new Scalar(beta)).max().item_double();
    }

    static double sumOfProducts(Tensor a, Tensor b) {
        return toDouble(a).mul(toDouble(b)).sum().item_double();
    }
}
