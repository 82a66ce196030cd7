package dev.tessera.model;

import static dev.tessera.model.TestTensors.floats;
import static dev.tessera.model.TestTensors.freshSeed;
import static org.bytedeco.pytorch.global.torch.conv2d;
import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DecoderTest {
    private static int threads;

    /** One LibTorch thread: on a loaded machine the small ops would wait at OpenMP barriers. */
    @BeforeAll
    static void oneThread() {
        threads = get_num_threads();
        set_num_threads(1);
    }

    @AfterAll
    static void restoreThreads() {
        set_num_threads(threads);
    }

    @Test
    void hasTheMethodsParameterCount() {
        for (int n : new int[] {1, 16, 62}) {
            try (Decoder d = Decoder.initialised(n, 1)) {
                assertEquals(65_792L + 2_305L * n, d.parameterCount(), "N = " + n);
                assertEquals(n, d.templates());
                assertArrayEquals(new long[] {256, 256, 1, 1}, d.namedParameters().get("conv1.weight").sizes().vec().get());
                assertArrayEquals(new long[] {n, 256, 3, 3}, d.namedParameters().get("conv2.weight").sizes().vec().get());
            }
        }
    }

    @Test
    void initialisesXavierUniformWeightsAndZeroBiasesFromTheSeed() {
        try (Decoder a = Decoder.initialised(16, 7); Decoder b = Decoder.initialised(16, 7); Decoder c = Decoder.initialised(16, 8)) {
            List<Tensor> pa = a.parameters(), pb = b.parameters();
            for (int i = 0; i < pa.size(); i++) assertArrayEquals(floats(pa.get(i)), floats(pb.get(i)), "same seed, parameter " + i);
            assertFalse(Arrays.equals(floats(pa.get(0)), floats(c.parameters().get(0))), "another seed draws other weights");
            // Bounds √(6 / (fan_in + fan_out)): 1×1 conv 256→256 and 3×3 conv 256→16.
            double[] bounds = {Math.sqrt(6.0 / 512), Math.sqrt(6.0 / (256 * 9 + 16 * 9))};
            for (int w = 0; w < 2; w++) {
                float[] v = floats(pa.get(2 * w));
                double max = 0, sumSq = 0;
                for (float x : v) {
                    max = Math.max(max, Math.abs(x));
                    sumSq += x * x;
                }
                assertTrue(max <= bounds[w] && max > 0.99 * bounds[w], "weights span ±" + bounds[w] + ", max " + max);
                // A uniform on ±a has variance a²/3.
                assertEquals(bounds[w] * bounds[w] / 3, sumSq / v.length, 0.05 * bounds[w] * bounds[w] / 3);
                for (float x : floats(pa.get(2 * w + 1))) assertEquals(0f, x);
            }
            for (Tensor t : pa) assertTrue(t.requires_grad());
        }
    }

    @Test
    void forwardIsConvLayerNormReluConvLayerNorm() {
        long seed = freshSeed();
        try (PointerScope scope = new PointerScope(); Decoder d = Decoder.initialised(5, seed)) {
            // Biases are zero at init; give them values so the test sees them added.
            for (Tensor p : d.parameters()) if (p.dim() == 1) p.detach().copy_(randn(p.size(0)));
            Tensor x = randn(2, 256, 3, 4).to(ScalarType.Double);
            Tensor actual = d.forward(x);
            List<Tensor> p = d.parameters();
            Tensor h = conv(x, p.get(0), p.get(1), 0);
            h = byHand(h).clamp_min(new Scalar(0));
            Tensor expected = byHand(conv(h, p.get(2), p.get(3), 1));
            assertArrayEquals(new long[] {2, 5, 3, 4}, actual.sizes().vec().get());
            assertEquals(ScalarType.Double, actual.scalar_type().intern());
            assertTrue(TestTensors.maxAbsDiff(actual, expected) < 1e-9, "seed " + seed + ": " + TestTensors.maxAbsDiff(actual, expected));
            for (int b = 0; b < 2; b++) {
                Tensor sample = actual.select(0, b);
                assertEquals(0, sample.mean().item_double(), 1e-12);
                assertEquals(1, sample.square().mean().item_double(), 1e-9);
            }
        }
    }

    /** (x − mean) / √(biased var + 1e-12) per sample over C, H, W, written out. */
    private static Tensor byHand(Tensor x) {
        Tensor mean = x.mean(new long[] {1, 2, 3}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        Tensor centred = x.sub(mean);
        Tensor var = centred.square().mean(new long[] {1, 2, 3}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        return centred.div(var.add(new Scalar(1e-12)).sqrt());
    }

    private static Tensor conv(Tensor x, Tensor w, Tensor b, int pad) {
        Tensor wd = w.detach().to(ScalarType.Double), bd = b.detach().to(ScalarType.Double);
        return conv2d(x, wd, new TensorOptional(bd), new long[] {1, 1}, new long[] {pad, pad}, new long[] {1, 1}, 1);
    }

    @Test
    void gradientsReachEveryParameter() {
        try (PointerScope scope = new PointerScope(); Decoder d = Decoder.initialised(4, 3)) {
            Tensor logits = d.forward(randn(1, 256, 2, 2));
            logits.mul(randn(1, 4, 2, 2)).sum().backward();
            for (Tensor p : d.parameters()) {
                assertTrue(p.grad().defined());
                assertTrue(p.grad().abs().sum().item_double() > 0);
            }
        }
    }

    @Test
    void closingTwiceIsHarmlessAndUseAfterCloseThrows() {
        Decoder d = Decoder.initialised(2, 0);
        d.close();
        d.close();
        assertThrows(IllegalStateException.class, d::parameters);
        try (PointerScope scope = new PointerScope()) {
            assertThrows(IllegalStateException.class, () -> d.forward(randn(1, 256, 1, 1)));
        }
        assertThrows(IllegalArgumentException.class, () -> Decoder.initialised(0, 1));
        try (PointerScope scope = new PointerScope(); Decoder e = Decoder.initialised(2, 0)) {
            assertThrows(IllegalArgumentException.class, () -> e.forward(randn(1, 128, 2, 2)));
        }
    }
}
