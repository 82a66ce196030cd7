package dev.tessera.ops;

import static dev.tessera.ops.Tensors.allFinite;
import static dev.tessera.ops.Tensors.freshSeed;
import static dev.tessera.ops.Tensors.nanFloat;
import static dev.tessera.ops.Tensors.relativeError;
import static dev.tessera.ops.Tensors.sumOfProducts;
import static dev.tessera.ops.Tensors.toDouble;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BlurOpsTest {
    private static final double TOLERANCE = 1e-5;

    /** Every blur the method uses, a generic one, odd sizes, and images smaller than the kernel. */
    static Stream<Arguments> cases() {
        GaussianBlur viewing = GaussianBlur.viewing(), p1 = GaussianBlur.pyramid(1), p2 = GaussianBlur.pyramid(2);
        GaussianBlur odd = new GaussianBlur(GaussianBlur.gaussianTaps(5, 1.3), 2, 1, 3);
        return Stream.of(
                Arguments.of("viewing", viewing, new long[] {1, 3, 16, 16}),
                Arguments.of("viewing", viewing, new long[] {2, 3, 37, 29}),
                Arguments.of("viewing", viewing, new long[] {3, 2, 70, 41}),
                Arguments.of("viewing", viewing, new long[] {1, 1, 1, 1}),
                Arguments.of("viewing", viewing, new long[] {1, 2, 3, 5}),
                Arguments.of("pyramid1", p1, new long[] {1, 3, 16, 16}),
                Arguments.of("pyramid1", p1, new long[] {2, 3, 37, 29}),
                Arguments.of("pyramid1", p1, new long[] {1, 1, 2, 3}),
                Arguments.of("pyramid2", p2, new long[] {1, 3, 64, 64}),
                Arguments.of("pyramid2", p2, new long[] {2, 3, 37, 29}),
                Arguments.of("pyramid2", p2, new long[] {1, 1, 4, 7}),
                Arguments.of("stride3", odd, new long[] {2, 3, 23, 31}),
                Arguments.of("stride3", odd, new long[] {1, 1, 2, 2}));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void blurForwardMatchesReferenceInDouble(String name, GaussianBlur blur, long[] shape) {
        try (PointerScope scope = new PointerScope()) {
            long seed = freshSeed();
            Tensor x = randn(shape).mul(new org.bytedeco.pytorch.Scalar(50.0));
            Tensor out = nanFloat(shape[0], shape[1], blur.outputSize(shape[2]), blur.outputSize(shape[3]));
            Ops.blurForward(x, blur, out);
            Tensor expected = OpsReference.blur(toDouble(x), blur);
            assertArrayEquals(sizes(expected), sizes(out));
            assertTrue(allFinite(out), "NaN left in output, seed " + seed);
            double err = relativeError(out, expected);
            assertTrue(err <= TOLERANCE, name + " forward rel. error " + err + ", seed " + seed);
        }
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void blurBackwardMatchesAutogradOfReference(String name, GaussianBlur blur, long[] shape) {
        try (PointerScope scope = new PointerScope()) {
            long seed = freshSeed();
            Tensor gradOut = randn(shape[0], shape[1], blur.outputSize(shape[2]), blur.outputSize(shape[3]));
            Tensor x = toDouble(randn(shape)).requires_grad_(true);
            OpsReference.blur(x, blur).backward(toDouble(gradOut), new BoolOptional(), false, new TensorArrayRefOptional());
            Tensor gradIn = nanFloat(shape);
            Ops.blurBackward(gradOut, blur, gradIn);
            assertTrue(allFinite(gradIn), "NaN left in grad_in, seed " + seed);
            double err = relativeError(gradIn, x.grad());
            assertTrue(err <= TOLERANCE, name + " backward rel. error " + err + ", seed " + seed);
        }
    }

    /** The blur is linear, so its gradient is exact iff <g, F x> = <F^T g, x> (computed in double). */
    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void blurBackwardIsTheAdjointOfForward(String name, GaussianBlur blur, long[] shape) {
        try (PointerScope scope = new PointerScope()) {
            long seed = freshSeed();
            Tensor x = randn(shape);
            Tensor g = randn(shape[0], shape[1], blur.outputSize(shape[2]), blur.outputSize(shape[3]));
            double lhs = sumOfProducts(g, Ops.blurForward(x, blur));
            double rhs = sumOfProducts(Ops.blurBackward(g, blur, shape[2], shape[3]), x);
            double scale = Math.sqrt(sumOfProducts(g, g) * sumOfProducts(x, x));
            assertEquals(lhs, rhs, 1e-6 * scale, name + " adjoint identity, seed " + seed);
        }
    }

    @Test
    void viewingAndPyramidTapsAreTheMethodsNumbers() {
        assertArrayEquals(new float[] {0.0822f, 0.1147f, 0.1432f, 0.1600f, 0.1600f, 0.1432f, 0.1147f, 0.0822f},
                GaussianBlur.viewing().taps(), 5e-5f);
        assertArrayEquals(new float[] {0.2119f, 0.5761f, 0.2119f}, GaussianBlur.pyramid(1).taps(), 5e-5f);
        assertArrayEquals(new float[] {0.0545f, 0.2442f, 0.4026f, 0.2442f, 0.0545f}, GaussianBlur.pyramid(2).taps(), 5e-5f);
        assertEquals(512, GaussianBlur.viewing().outputSize(512));
        assertEquals(256, GaussianBlur.pyramid(1).outputSize(512));
        assertEquals(128, GaussianBlur.pyramid(2).outputSize(512));
    }

    @Test
    void badInputsAreRejectedWithAMessage() {
        try (PointerScope scope = new PointerScope()) {
            GaussianBlur blur = GaussianBlur.pyramid(2);
            Tensor x = randn(1, 3, 16, 16);
            assertMessage("float32", () -> Ops.blurForward(x.to(ScalarType.Double), blur));
            assertMessage("4 dimensions", () -> Ops.blurForward(randn(3, 16, 16), blur));
            assertMessage("contiguous", () -> Ops.blurForward(x.transpose(2, 3), blur));
            assertMessage("smaller than", () -> Ops.blurForward(randn(1, 3, 3, 16), blur));
            assertMessage("expected size", () -> Ops.blurForward(x, blur, nanFloat(1, 3, 5, 4)));
            assertMessage("expected size", () -> Ops.blurBackward(randn(1, 3, 5, 4), blur, 16, 16));
            assertMessage("padding", () -> new GaussianBlur(new float[] {1f}, 1, 0, 1));
        }
    }

    static void assertMessage(String fragment, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention " + fragment);
    }

    static long[] sizes(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int d = 0; d < s.length; d++) s[d] = t.size(d);
        return s;
    }
}
