package dev.tessera.ops;

import static dev.tessera.ops.BlurOpsTest.assertMessage;
import static dev.tessera.ops.Tensors.allFinite;
import static dev.tessera.ops.Tensors.freshSeed;
import static dev.tessera.ops.Tensors.nanFloat;
import static dev.tessera.ops.Tensors.relativeError;
import static dev.tessera.ops.Tensors.sumOfProducts;
import static dev.tessera.ops.Tensors.toDouble;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.bytedeco.pytorch.global.torch.softmax;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MixOpsTest {
    private static final double TOLERANCE = 1e-5;
    /**
     * Backward error over {@link Tensors#mixBackwardScale}, the rounding scale of the dot products
     * the gradient is made of; 48 runs of every case stayed below 6.2e-8.
     */
    static final double BACKWARD_TOLERANCE = 1e-6;

    record Case(long B, long N, long h, long w, long C, long th, long tw, float beta, double logitScale) {
        Tensor logits() {
            return randn(B, N, h, w).mul(new Scalar(logitScale));
        }

        Tensor templates() {
            return rand(N, C, th, tw).mul(new Scalar(255.0));
        }

        long[] mosaic() {
            return new long[] {B, C, h * th, w * tw};
        }

        @Override
        public String toString() {
            return "B" + B + " N" + N + " " + h + "x" + w + " cells of " + C + "x" + th + "x" + tw + " beta " + beta
                    + " logits*" + logitScale;
        }
    }

    /** One cell, B > 1, N from 2 to 1000, rows longer than a CPU block, odd template sizes, extremes. */
    static Stream<Arguments> cases() {
        return Stream.of(
                new Case(1, 2, 1, 1, 3, 8, 8, 1f, 1),
                new Case(2, 62, 3, 5, 3, 8, 8, 15f, 1),
                new Case(3, 7, 2, 17, 3, 8, 8, 1f, 3),
                new Case(1, 33, 5, 33, 3, 8, 8, 15f, 2),
                new Case(1, 1000, 4, 5, 3, 8, 8, 5f, 1),
                new Case(2, 5, 3, 4, 1, 3, 5, 2f, 1),
                new Case(1, 62, 2, 3, 3, 8, 8, 100f, 1e4),
                new Case(2, 1000, 3, 3, 3, 8, 8, 100f, 1e4)).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mixForwardMatchesReferenceInDouble(Case c) {
        try (PointerScope scope = new PointerScope()) {
            long seed = freshSeed();
            Tensor logits = c.logits(), templates = c.templates();
            Tensor out = nanFloat(c.mosaic()), p = nanFloat(c.B, c.N, c.h, c.w);
            Ops.mixForward(logits, templates, c.beta, out, p);
            assertTrue(allFinite(out) && allFinite(p), "NaN or Inf in output, seed " + seed);
            Tensor expected = OpsReference.mix(toDouble(logits), toDouble(templates), c.beta);
            double err = relativeError(out, expected);
            assertTrue(err <= TOLERANCE, c + ": forward rel. error " + err + ", seed " + seed);
            Tensor expectedP = softmax(toDouble(logits).mul(new Scalar((double) c.beta)), 1);
            double errP = relativeError(p, expectedP);
            assertTrue(errP <= TOLERANCE, c + ": probabilities rel. error " + errP + ", seed " + seed);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mixBackwardMatchesAutogradOfReference(Case c) {
        try (PointerScope scope = new PointerScope()) {
            long seed = freshSeed();
            Tensor logits = c.logits(), templates = c.templates(), gradOut = randn(c.mosaic());
            Tensor leaf = toDouble(logits).requires_grad_(true);
            OpsReference.mix(leaf, toDouble(templates), c.beta)
                    .backward(toDouble(gradOut), new BoolOptional(), false, new TensorArrayRefOptional());
            Tensor gradLogits = nanFloat(c.B, c.N, c.h, c.w);
            Ops.mixBackward(gradOut, logits, templates, c.beta, gradLogits);
            assertTrue(allFinite(gradLogits), "NaN or Inf in grad_logits, seed " + seed);
            // Scale floor 1: with one-hot probabilities (extreme beta) the exact gradient is ~0.
            double scale = Math.max(Tensors.mixBackwardScale(gradOut, logits, templates, c.beta), 1.0);
            double err = Tensors.absoluteError(gradLogits, leaf.grad()) / scale;
            assertTrue(err <= BACKWARD_TOLERANCE, c + ": backward rel. error " + err + ", seed " + seed);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mixBackwardFromSavedProbabilitiesMatchesAutogradOfReference(Case c) {
        try (PointerScope scope = new PointerScope()) {
            long seed = freshSeed();
            Tensor logits = c.logits(), templates = c.templates(), gradOut = randn(c.mosaic());
            Tensor p = nanFloat(c.B, c.N, c.h, c.w);
            Ops.mixForward(logits, templates, c.beta, nanFloat(c.mosaic()), p);
            Tensor leaf = toDouble(logits).requires_grad_(true);
            OpsReference.mix(leaf, toDouble(templates), c.beta)
                    .backward(toDouble(gradOut), new BoolOptional(), false, new TensorArrayRefOptional());
            Tensor gradLogits = Ops.mixBackwardFromProbabilities(gradOut, p, templates, c.beta);
            assertTrue(allFinite(gradLogits), "NaN or Inf in grad_logits, seed " + seed);
            double scale = Math.max(Tensors.mixBackwardScale(gradOut, logits, templates, c.beta), 1.0);
            double err = Tensors.absoluteError(gradLogits, leaf.grad()) / scale;
            assertTrue(err <= BACKWARD_TOLERANCE, c + ": backward from p, rel. error " + err + ", seed " + seed);
        }
    }

    /** Central differences of <g, mix(logits)> against the native gradient, loss summed in double. */
    /** The run with TESSERA_NO_AVX512=1 (Maven's avx2-kernels execution) must really test the AVX2 builds. */
    @Test
    void theKernelsInUseAreTheOnesAskedFor() {
        String kernels = Ops.cpuKernels();
        System.out.println("MixOpsTest: CPU kernels " + kernels);
        if ("1".equals(System.getenv("TESSERA_NO_AVX512"))) assertEquals("avx2", kernels);
        else assertTrue(kernels.equals("avx512") || kernels.equals("avx2"), kernels);
    }

    @Test
    void mixBackwardMatchesFiniteDifferences() {
        try (PointerScope scope = new PointerScope()) {
            long seed = freshSeed();
            Case c = new Case(2, 3, 2, 2, 3, 2, 2, 2f, 1);
            Tensor logits = c.logits(), templates = c.templates(), g = randn(c.mosaic());
            Tensor analytic = toDouble(Ops.mixBackward(g, logits, templates, c.beta)).contiguous();
            int n = (int) logits.numel();
            float[] values = new float[n];
            logits.data_ptr_float().get(values);
            double[] numeric = new double[n];
            float h = 1e-3f;
            for (int i = 0; i < n; i++) {
                numeric[i] = (loss(values, i, h, c, templates, g) - loss(values, i, -h, c, templates, g)) / (2.0 * h);
            }
            Tensor fd = Tensor.create(numeric, c.B, c.N, c.h, c.w);
            double err = relativeError(analytic, fd);
            assertTrue(err <= 1e-3, "finite differences disagree: rel. error " + err + ", seed " + seed);
        }
    }

    private static double loss(float[] values, int i, float step, Case c, Tensor templates, Tensor g) {
        float[] shifted = values.clone();
        shifted[i] += step;
        Tensor logits = Tensor.create(shifted, c.B, c.N, c.h, c.w);
        return sumOfProducts(g, Ops.mixForward(logits, templates, c.beta));
    }

    @Test
    void badInputsAreRejectedWithAMessage() {
        try (PointerScope scope = new PointerScope()) {
            Tensor logits = randn(1, 4, 2, 3), templates = rand(4, 3, 8, 8);
            assertMessage("float32", () -> Ops.mixForward(logits.to(ScalarType.Double), templates, 1f));
            assertMessage("must match", () -> Ops.mixForward(logits, rand(5, 3, 8, 8), 1f));
            assertMessage("beta", () -> Ops.mixForward(logits, templates, 0f));
            assertMessage("beta", () -> Ops.mixForward(logits, templates, Float.NaN));
            assertMessage("contiguous", () -> Ops.mixForward(logits.transpose(2, 3), templates, 1f));
            assertMessage("4 dimensions", () -> Ops.mixForward(logits, rand(4, 3, 8), 1f));
            assertMessage("expected size", () -> Ops.mixBackward(randn(1, 3, 16, 16), logits, templates, 1f));
            assertMessage("expected size", () -> Ops.mixForward(logits, templates, 1f, nanFloat(1, 3, 16, 16), null));
        }
    }

    static float[] values(Tensor t) {
        float[] v = new float[(int) t.numel()];
        FloatPointer p = t.contiguous().data_ptr_float();
        p.get(v);
        return v;
    }
}
