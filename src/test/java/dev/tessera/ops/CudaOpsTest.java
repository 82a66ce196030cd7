package dev.tessera.ops;

import static dev.tessera.ops.Ops.check;
import static dev.tessera.ops.Tensors.allFinite;
import static dev.tessera.ops.Tensors.freshSeed;
import static dev.tessera.ops.Tensors.nanFloat;
import static dev.tessera.ops.Tensors.relativeError;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CUDA kernels against the CPU kernels (themselves checked against LibTorch in double), same
 * cases and tolerances. Runs only where libtessera has its CUDA kernels and a GPU is present;
 * skipped (not passed) elsewhere.
 */
class CudaOpsTest {
    private static final double TOLERANCE = 1e-5;

    // Per test, not @BeforeAll, so the report counts each GPU case as skipped.
    @BeforeEach
    void requireGpu() {
        assumeTrue(Ops.cudaCompiled(), "libtessera was built without CUDA (no nvcc at build time)");
        assumeTrue(Ops.cudaDeviceCount() > 0, "no CUDA device or driver on this machine");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("dev.tessera.ops.BlurOpsTest#cases")
    void blurCudaMatchesCpu(String name, GaussianBlur blur, long[] shape) {
        try (PointerScope scope = new PointerScope()) {
            long seed = freshSeed();
            long[] outShape = {shape[0], shape[1], blur.outputSize(shape[2]), blur.outputSize(shape[3])};
            Tensor x = randn(shape), g = randn(outShape);
            float[] taps = blur.tapsUnsafe();
            long planes = shape[0] * shape[1];
            try (DeviceBuffer dx = new DeviceBuffer(x); DeviceBuffer dout = new DeviceBuffer(nanFloat(outShape));
                    DeviceBuffer dg = new DeviceBuffer(g); DeviceBuffer dgin = new DeviceBuffer(nanFloat(shape))) {
                check("blur_forward_cuda", NativeOps.tsr_blur_forward_cuda(dout.address(), dx.address(), planes,
                        shape[2], shape[3], taps, taps.length, blur.padBefore(), blur.padAfter(), blur.stride(), 0L));
                check("blur_backward_cuda", NativeOps.tsr_blur_backward_cuda(dgin.address(), dg.address(), planes,
                        shape[2], shape[3], taps, taps.length, blur.padBefore(), blur.padAfter(), blur.stride(), 0L));
                Tensor out = dout.copyTo(nanFloat(outShape)), gradIn = dgin.copyTo(nanFloat(shape));
                assertTrue(allFinite(out) && allFinite(gradIn), name + ": NaN left, seed " + seed);
                assertClose(name + " forward", out, Ops.blurForward(x, blur), seed);
                assertClose(name + " backward", gradIn, Ops.blurBackward(g, blur, shape[2], shape[3]), seed);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tessera.ops.MixOpsTest#cases")
    void mixCudaMatchesCpu(MixOpsTest.Case c) {
        try (PointerScope scope = new PointerScope()) {
            long seed = freshSeed();
            Tensor logits = c.logits(), templates = c.templates(), g = randn(c.mosaic());
            long[] cells = {c.B(), c.N(), c.h(), c.w()};
            try (DeviceBuffer dl = new DeviceBuffer(logits); DeviceBuffer dt = new DeviceBuffer(templates);
                    DeviceBuffer dout = new DeviceBuffer(nanFloat(c.mosaic())); DeviceBuffer dp = new DeviceBuffer(nanFloat(cells));
                    DeviceBuffer dg = new DeviceBuffer(g); DeviceBuffer dgl = new DeviceBuffer(nanFloat(cells))) {
                check("mix_forward_cuda", NativeOps.tsr_mix_forward_cuda(dout.address(), dp.address(), dl.address(),
                        dt.address(), c.B(), c.N(), c.h(), c.w(), c.C(), c.th(), c.tw(), c.beta(), 0L));
                check("mix_backward_cuda", NativeOps.tsr_mix_backward_cuda(dgl.address(), dg.address(), dl.address(),
                        0L, dt.address(), c.B(), c.N(), c.h(), c.w(), c.C(), c.th(), c.tw(), c.beta(), 0L));
                Tensor out = dout.copyTo(nanFloat(c.mosaic())), p = dp.copyTo(nanFloat(cells));
                Tensor gradLogits = dgl.copyTo(nanFloat(cells));
                assertTrue(allFinite(out) && allFinite(p) && allFinite(gradLogits), c + ": NaN or Inf, seed " + seed);
                Tensor cpuP = nanFloat(cells);
                Tensor cpuOut = Ops.mixForward(logits, templates, c.beta(), nanFloat(c.mosaic()), cpuP);
                assertClose(c + " forward", out, cpuOut, seed);
                assertClose(c + " probabilities", p, cpuP, seed);
                Tensor cpuGrad = Ops.mixBackward(g, logits, templates, c.beta());
                double scale = Math.max(Tensors.mixBackwardScale(g, logits, templates, c.beta()), 1.0);
                double err = Tensors.absoluteError(gradLogits, cpuGrad) / scale;
                assertTrue(err <= 2 * MixOpsTest.BACKWARD_TOLERANCE, c + " backward rel. error " + err + ", seed " + seed);
            }
        }
    }

    // The CPU result is itself within TOLERANCE of the double reference, so allow both errors.
    private static void assertClose(String what, Tensor cuda, Tensor cpu, long seed) {
        double err = relativeError(cuda, cpu);
        assertTrue(err <= 2 * TOLERANCE, what + ": CUDA vs CPU rel. error " + err + ", seed " + seed);
    }
}
