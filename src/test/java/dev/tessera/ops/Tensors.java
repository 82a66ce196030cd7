package dev.tessera.ops;

import static org.bytedeco.pytorch.global.torch.empty;
import static org.bytedeco.pytorch.global.torch.manual_seed;

import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
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

    static double sumOfProducts(Tensor a, Tensor b) {
        return toDouble(a).mul(toDouble(b)).sum().item_double();
    }
}
