package dev.tessera.model;

import static dev.tessera.model.TestTensors.freshSeed;
import static org.bytedeco.pytorch.global.torch.constant_pad_nd;
import static org.bytedeco.pytorch.global.torch.conv2d;
import static org.bytedeco.pytorch.global.torch.outer;
import static org.bytedeco.pytorch.global.torch.randn_like;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ops.GaussianBlur;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;

/** Checks every MosaicLoss must pass: gradient vs finite differences, flat memory, and a plain blur. */
final class LossChecks {
    private LossChecks() {}

    /**
     * The autograd gradient, projected on random directions v, against the central difference
     * (L(x + εv) − L(x − εv)) / 2ε, all in double, relative to the larger of the two and ‖grad‖
     * (the typical size of a projection on a standard Gaussian v). ε is in pixel units (0..255).
     *
     * <p>A loss made of ReLUs and max-pools is only piecewise smooth: when a kink lies within ±ε
     * along v, no difference quotient equals the gradient (a CI run met one at 6e-4 of it). Such a
     * direction shows itself: the differences over ε and ε/2 disagree far beyond rounding. It is
     * counted and replaced by a fresh one; the agreement threshold, 3 × tolerance, is what bounds
     * the extrapolated value's error when the kink sits between ε/2 and ε. Three smooth directions
     * must be found within twelve, so a loss that is kinked everywhere (or a broken one whose
     * differences wander) still fails.
     */
    static void assertGradientMatchesFiniteDifferences(MosaicLoss loss, Tensor image, Tensor prediction, double eps, double tolerance) {
        long seed = freshSeed();
        try (PointerScope scope = new PointerScope(); LossTarget target = loss.prepare(image)) {
            Tensor leaf = prediction.clone().requires_grad_(true);
            loss.loss(leaf, target).backward();
            Tensor grad = leaf.grad().clone();
            assertTrue(grad.isfinite().all().item_bool(), "non-finite gradient, seed " + seed);
            double norm = grad.norm().item_double();
            int checked = 0, kinked = 0;
            for (int k = 0; k < 12 && checked < 3; k++) {
                Tensor v = randn_like(prediction);
                double analytic = grad.mul(v).sum().item_double();
                double wide = centralDifference(loss, target, prediction, v, eps);
                double narrow = centralDifference(loss, target, prediction, v, eps / 2);
                // Richardson extrapolation of two central differences cancels their eps² error term,
                // which the SSIM term's curvature made reach 1e-6 of the gradient on some seeds.
                double numeric = (4 * narrow - wide) / 3;
                // |<grad, v>| is ‖grad‖ on average over Gaussian v but now and then near 0 by chance
                // (one CI-like run: 7.9e-6 where ‖grad‖ was far larger), which no difference
                // quotient resolves relatively; so the scale is the larger of the two.
                double scale = Math.max(Math.max(Math.abs(numeric), norm), 1e-12);
                if (Math.abs(wide - narrow) > 3 * tolerance * scale) {
                    kinked++;
                    continue;
                }
                double err = Math.abs(analytic - numeric) / scale;
                assertTrue(err < tolerance, "direction " + k + ": autograd " + analytic + " vs finite difference " + numeric
                        + " (rel. error " + err + "), seed " + seed);
                checked++;
            }
            assertTrue(checked == 3, "only " + checked + " of " + (checked + kinked) + " directions were smooth over ±" + eps
                    + " (differences over eps and eps/2 disagreed), seed " + seed);
        }
    }

    private static double centralDifference(MosaicLoss loss, LossTarget target, Tensor prediction, Tensor v, double h) {
        try (NoGradGuard g = new NoGradGuard()) {
            double plus = loss.loss(prediction.add(v, new Scalar(h)), target).item_double();
            double minus = loss.loss(prediction.sub(v, new Scalar(h)), target).item_double();
            return (plus - minus) / (2 * h);
        }
    }

    /**
     * 200 forward + backward evaluations against one reused target, each in its own PointerScope:
     * the number of live native pointers must come back to where it was, and resident memory may
     * grow by at most 64 MB (heap and allocator caches; a leaked 1×64×32×32 feature per step alone
     * would be 50 MB, and each step makes dozens of tensors).
     */
    static void assertMemoryFlat(MosaicLoss loss, Tensor image, Tensor prediction) {
        try (LossTarget target = loss.prepare(image)) {
            for (int i = 0; i < 20; i++) evaluate(loss, target, prediction);
            System.gc();
            long count = Pointer.totalCount(), bytes = Pointer.physicalBytes();
            for (int i = 0; i < 200; i++) evaluate(loss, target, prediction);
            System.gc();
            long countGrowth = Pointer.totalCount() - count, growth = Pointer.physicalBytes() - bytes;
            assertTrue(countGrowth <= 0, countGrowth + " native pointers left after 200 evaluations of " + loss.describe());
            assertTrue(growth < 64L << 20, "resident memory grew by " + (growth >> 20) + " MB over 200 evaluations");
        }
    }

    private static void evaluate(MosaicLoss loss, LossTarget target, Tensor prediction) {
        try (PointerScope scope = new PointerScope()) {
            Tensor leaf = prediction.clone().requires_grad_(true);
            loss.loss(leaf, target).backward();
            leaf.grad().sum().item_double();
        }
    }

    /** The blur written out: zero padding, then a depthwise conv2d with the full 2-D kernel. */
    static Tensor blurByHand(Tensor x, GaussianBlur blur) {
        Tensor taps = Tensor.create(blur.taps()).to(x.scalar_type().intern());
        int k = blur.size();
        Tensor kernel = outer(taps, taps).reshape(1, 1, k, k).repeat(x.size(1), 1, 1, 1);
        Tensor padded = constant_pad_nd(x, blur.padBefore(), blur.padAfter(), blur.padBefore(), blur.padAfter());
        return conv2d(padded, kernel, new TensorOptional(), new long[] {blur.stride(), blur.stride()}, new long[] {0, 0},
                new long[] {1, 1}, x.size(1));
    }
}
