package dev.tessera.ops;

import static org.bytedeco.pytorch.global.torch.empty;

import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The native ops on LibTorch tensors: checks (rank, dtype, device, contiguity, sizes) with messages
 * a caller can act on, then dispatch to the CPU or CUDA kernel by the tensors' device.
 *
 * <p>Inputs are float32, contiguous NCHW, all on one device. Outputs are new tensors on that
 * device; backward results are freshly written, never accumulated. CUDA kernels are enqueued on
 * the legacy default stream, which is also LibTorch's current stream unless the caller changed it.
 */
public final class Ops {
    private static final long DEFAULT_STREAM = 0L;

    private Ops() {}

    /** Version of the loaded libtessera, as major*10000 + minor*100 + patch. */
    public static int nativeVersion() {
        return NativeOps.tsr_version();
    }

    /** Whether libtessera was built with its CUDA kernels (nvcc was present at build time). */
    public static boolean cudaCompiled() {
        return NativeOps.tsr_cuda_compiled() != 0;
    }

    /** Usable CUDA devices for libtessera's kernels: 0 without a CUDA build, a driver or a GPU. */
    public static int cudaDeviceCount() {
        return NativeOps.tsr_cuda_device_count();
    }

    /** Threads the CPU kernels use; {@code n <= 0} restores OpenMP's default. */
    public static void setCpuThreads(int n) {
        NativeOps.tsr_set_num_threads(n);
    }

    public static int cpuThreads() {
        return NativeOps.tsr_get_num_threads();
    }

    /** Which builds of the CPU kernels run: "avx512" or "avx2" (chosen at load; TESSERA_NO_AVX512=1 forces avx2). */
    public static String cpuKernels() {
        return NativeOps.tsr_cpu_avx512() != 0 ? "avx512" : "avx2";
    }

    // ---- blur ---------------------------------------------------------------------------------

    /** B×C×H×W → B×C×Ho×Wo, each channel blurred with {@code blur}. */
    public static Tensor blurForward(Tensor input, GaussianBlur blur) {
        requireFloat4d("blur input", input);
        requireBlurFits(blur, input.size(2), input.size(3));
        Tensor out = newTensor(input, input.size(0), input.size(1), blur.outputSize(input.size(2)),
                blur.outputSize(input.size(3)));
        return blurForward(input, blur, out);
    }

    /** As {@link #blurForward(Tensor, GaussianBlur)}, into a preallocated {@code out}; returns it. */
    public static Tensor blurForward(Tensor input, GaussianBlur blur, Tensor out) {
        requireFloat4d("blur input", input);
        requireFloat4d("blur out", out);
        requireSameDevice("blur out", out, input);
        long h = input.size(2), w = input.size(3);
        requireBlurFits(blur, h, w);
        requireSize("blur out", out, input.size(0), input.size(1), blur.outputSize(h), blur.outputSize(w));
        long planes = input.size(0) * input.size(1);
        if (planes == 0) return out;
        float[] taps = blur.tapsUnsafe();
        int rc = input.is_cuda()
                ? NativeOps.tsr_blur_forward_cuda(address(out), address(input), planes, h, w, taps, taps.length,
                        blur.padBefore(), blur.padAfter(), blur.stride(), DEFAULT_STREAM)
                : NativeOps.tsr_blur_forward_cpu(address(out), address(input), planes, h, w, taps, taps.length,
                        blur.padBefore(), blur.padAfter(), blur.stride());
        check("blur_forward", rc);
        return out;
    }

    /**
     * Gradient of {@link #blurForward} with respect to its B×C×{@code height}×{@code width} input,
     * given the gradient of its output.
     */
    public static Tensor blurBackward(Tensor gradOut, GaussianBlur blur, long height, long width) {
        requireFloat4d("blur grad_out", gradOut);
        return blurBackward(gradOut, blur, newTensor(gradOut, gradOut.size(0), gradOut.size(1), height, width));
    }

    /**
     * As {@link #blurBackward(Tensor, GaussianBlur, long, long)}, into a preallocated
     * {@code gradIn} (overwritten, not accumulated; its size gives the input size); returns it.
     */
    public static Tensor blurBackward(Tensor gradOut, GaussianBlur blur, Tensor gradIn) {
        requireFloat4d("blur grad_out", gradOut);
        requireFloat4d("blur grad_in", gradIn);
        requireSameDevice("blur grad_in", gradIn, gradOut);
        long h = gradIn.size(2), w = gradIn.size(3);
        requireBlurFits(blur, h, w);
        requireSize("blur grad_out", gradOut, gradIn.size(0), gradIn.size(1), blur.outputSize(h), blur.outputSize(w));
        long planes = gradOut.size(0) * gradOut.size(1);
        if (planes == 0) return gradIn;
        float[] taps = blur.tapsUnsafe();
        int rc = gradOut.is_cuda()
                ? NativeOps.tsr_blur_backward_cuda(address(gradIn), address(gradOut), planes, h, w, taps,
                        taps.length, blur.padBefore(), blur.padAfter(), blur.stride(), DEFAULT_STREAM)
                : NativeOps.tsr_blur_backward_cpu(address(gradIn), address(gradOut), planes, h, w, taps,
                        taps.length, blur.padBefore(), blur.padAfter(), blur.stride());
        check("blur_backward", rc);
        return gradIn;
    }

    // ---- mix ----------------------------------------------------------------------------------

    /**
     * Logits B×N×h×w and templates N×C×th×tw → mosaic B×C×(h·th)×(w·tw), each cell the
     * softmax(β·logits)-weighted mix of the templates.
     */
    public static Tensor mixForward(Tensor logits, Tensor templates, float beta) {
        MixShape s = MixShape.of(logits, templates, beta);
        return mixForward(logits, templates, beta, newTensor(logits, s.B, s.C, s.h * s.th, s.w * s.tw), null);
    }

    /**
     * As {@link #mixForward(Tensor, Tensor, float)}, into a preallocated {@code out}, and also
     * writes softmax(β·logits) into {@code probabilities} (B×N×h×w) when it is not null; returns out.
     */
    public static Tensor mixForward(Tensor logits, Tensor templates, float beta, Tensor out, Tensor probabilities) {
        MixShape s = MixShape.of(logits, templates, beta);
        requireFloat4d("mix out", out);
        requireSameDevice("mix out", out, logits);
        requireSize("mix out", out, s.B, s.C, s.h * s.th, s.w * s.tw);
        if (probabilities != null) {
            requireFloat4d("mix probabilities", probabilities);
            requireSameDevice("mix probabilities", probabilities, logits);
            requireSize("mix probabilities", probabilities, s.B, s.N, s.h, s.w);
        }
        if (s.B == 0) return out;
        long p = probabilities == null ? 0L : address(probabilities);
        int rc = logits.is_cuda()
                ? NativeOps.tsr_mix_forward_cuda(address(out), p, address(logits), address(templates),
                        s.B, s.N, s.h, s.w, s.C, s.th, s.tw, beta, DEFAULT_STREAM)
                : NativeOps.tsr_mix_forward_cpu(address(out), p, address(logits), address(templates),
                        s.B, s.N, s.h, s.w, s.C, s.th, s.tw, beta);
        check("mix_forward", rc);
        return out;
    }

    /** Gradient of {@link #mixForward} with respect to the logits, given the mosaic's gradient. */
    public static Tensor mixBackward(Tensor gradOut, Tensor logits, Tensor templates, float beta) {
        requireFloat4d("mix logits", logits);
        return mixBackward(gradOut, logits, templates, beta, newTensor(logits, logits.size(0), logits.size(1),
                logits.size(2), logits.size(3)));
    }

    /** As {@link #mixBackward(Tensor, Tensor, Tensor, float)}, into {@code gradLogits} (overwritten); returns it. */
    public static Tensor mixBackward(Tensor gradOut, Tensor logits, Tensor templates, float beta, Tensor gradLogits) {
        MixShape s = MixShape.of(logits, templates, beta);
        requireFloat4d("mix grad_out", gradOut);
        requireSameDevice("mix grad_out", gradOut, logits);
        requireSize("mix grad_out", gradOut, s.B, s.C, s.h * s.th, s.w * s.tw);
        requireFloat4d("mix grad_logits", gradLogits);
        requireSameDevice("mix grad_logits", gradLogits, logits);
        requireSize("mix grad_logits", gradLogits, s.B, s.N, s.h, s.w);
        if (s.B == 0) return gradLogits;
        int rc = logits.is_cuda()
                ? NativeOps.tsr_mix_backward_cuda(address(gradLogits), address(gradOut), address(logits), 0L,
                        address(templates), s.B, s.N, s.h, s.w, s.C, s.th, s.tw, beta, DEFAULT_STREAM)
                : NativeOps.tsr_mix_backward_cpu(address(gradLogits), address(gradOut), address(logits), 0L,
                        address(templates), s.B, s.N, s.h, s.w, s.C, s.th, s.tw, beta);
        check("mix_backward", rc);
        return gradLogits;
    }

    /**
     * As {@link #mixBackward(Tensor, Tensor, Tensor, float)}, from the probabilities the forward
     * wrote ({@link #mixForward(Tensor, Tensor, float, Tensor, Tensor)}) instead of the logits: a
     * training step that keeps them saves the backward one exponential per logit.
     */
    public static Tensor mixBackwardFromProbabilities(Tensor gradOut, Tensor probabilities, Tensor templates, float beta) {
        MixShape s = MixShape.of(probabilities, templates, beta);
        requireFloat4d("mix grad_out", gradOut);
        requireSameDevice("mix grad_out", gradOut, probabilities);
        requireSize("mix grad_out", gradOut, s.B, s.C, s.h * s.th, s.w * s.tw);
        Tensor gradLogits = newTensor(probabilities, s.B, s.N, s.h, s.w);
        if (s.B == 0) return gradLogits;
        int rc = probabilities.is_cuda()
                ? NativeOps.tsr_mix_backward_cuda(address(gradLogits), address(gradOut), 0L, address(probabilities),
                        address(templates), s.B, s.N, s.h, s.w, s.C, s.th, s.tw, beta, DEFAULT_STREAM)
                : NativeOps.tsr_mix_backward_cpu(address(gradLogits), address(gradOut), 0L, address(probabilities),
                        address(templates), s.B, s.N, s.h, s.w, s.C, s.th, s.tw, beta);
        check("mix_backward", rc);
        return gradLogits;
    }

    private record MixShape(long B, long N, long h, long w, long C, long th, long tw) {
        static MixShape of(Tensor logits, Tensor templates, float beta) {
            requireFloat4d("mix logits", logits);
            requireFloat4d("mix templates", templates);
            requireSameDevice("mix templates", templates, logits);
            if (!(beta > 0) || Float.isInfinite(beta))
                throw new IllegalArgumentException("mix: beta (inverse temperature) must be finite and > 0, got " + beta);
            if (templates.size(0) != logits.size(1))
                throw new IllegalArgumentException("mix: logits have " + logits.size(1) + " channels but there are "
                        + templates.size(0) + " templates; they must match (one logit per template)");
            return new MixShape(logits.size(0), logits.size(1), logits.size(2), logits.size(3),
                    templates.size(1), templates.size(2), templates.size(3));
        }
    }

    // ---- checks -------------------------------------------------------------------------------

    static void requireFloat4d(String what, Tensor t) {
        if (t == null || t.isNull()) throw new IllegalArgumentException(what + ": tensor is null");
        if (t.dim() != 4)
            throw new IllegalArgumentException(what + ": expected 4 dimensions (NCHW), got " + t.dim() + " " + sizes(t));
        if (t.scalar_type().intern() != ScalarType.Float)
            throw new IllegalArgumentException(what + ": expected float32, got " + t.scalar_type()
                    + "; convert with .to(ScalarType.Float)");
        if (!t.is_contiguous())
            throw new IllegalArgumentException(what + ": tensor is not contiguous; call .contiguous() first");
        if (!t.is_cuda() && !t.device().is_cpu())
            throw new IllegalArgumentException(what + ": unsupported device " + t.device().str().getString()
                    + "; the ops run on CPU and CUDA tensors");
        for (int d = 0; d < 4; d++)
            if (t.size(d) < (d == 0 ? 0 : 1))
                throw new IllegalArgumentException(what + ": empty dimension in " + sizes(t));
    }

    private static void requireSameDevice(String what, Tensor t, Tensor reference) {
        if (t.is_cuda() != reference.is_cuda() || t.device().index() != reference.device().index())
            throw new IllegalArgumentException(what + ": on " + t.device().str().getString() + " but the other inputs are on "
                    + reference.device().str().getString() + "; move all inputs to one device");
    }

    private static void requireSize(String what, Tensor t, long... expected) {
        for (int d = 0; d < expected.length; d++)
            if (t.size(d) != expected[d])
                throw new IllegalArgumentException(what + ": expected size " + java.util.Arrays.toString(expected)
                        + ", got " + sizes(t));
    }

    private static void requireBlurFits(GaussianBlur blur, long h, long w) {
        long min = blur.size() - blur.padBefore() - blur.padAfter();
        if (h < min || w < min)
            throw new IllegalArgumentException("blur: a " + h + "x" + w + " image is smaller than the " + blur.size()
                    + "-tap kernel allows with padding " + blur.padBefore() + "/" + blur.padAfter() + " (minimum " + min + ")");
    }

    static String sizes(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int d = 0; d < s.length; d++) s[d] = t.size(d);
        return java.util.Arrays.toString(s);
    }

    private static Tensor newTensor(Tensor like, long... shape) {
        return empty(shape, like.options(), new MemoryFormatOptional());
    }

    private static long address(Tensor t) {
        return t.data_ptr().address();
    }

    static void check(String op, int rc) {
        if (rc != 0) throw new NativeOpException(op, rc, NativeOps.tsr_last_error().getString());
    }
}
