package dev.tessera.ops;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The JavaCPP binding to libtessera (native/include/tessera.h): the one narrow, package-private
 * class that calls native code. Tensors travel as raw data addresses; {@link Ops} checks every
 * argument before it gets here, and turns non-zero return codes into exceptions.
 */
@Platform(include = "tessera.h", link = "tessera")
final class NativeOps {
    static {
        Loader.load();
    }

    private NativeOps() {}

    static native int tsr_version();

    @Cast("const char*")
    static native BytePointer tsr_last_error();

    static native int tsr_cuda_compiled();

    static native int tsr_cuda_device_count();

    static native void tsr_set_num_threads(int n);

    static native int tsr_get_num_threads();

    static native int tsr_cpu_avx512();

    static native int tsr_cuda_malloc(@Cast("void**") long[] ptr, long bytes);

    static native int tsr_cuda_free(@Cast("void*") long ptr);

    static native int tsr_cuda_memcpy_h2d(@Cast("void*") long dst, @Cast("const void*") long src, long bytes);

    static native int tsr_cuda_memcpy_d2h(@Cast("void*") long dst, @Cast("const void*") long src, long bytes);

    static native int tsr_cuda_synchronize();

    static native int tsr_blur_forward_cpu(@Cast("float*") long out, @Cast("const float*") long in,
            long planes, long H, long W, @Cast("const float*") float[] taps, int K, int padBefore,
            int padAfter, int stride);

    static native int tsr_blur_backward_cpu(@Cast("float*") long gradIn, @Cast("const float*") long gradOut,
            long planes, long H, long W, @Cast("const float*") float[] taps, int K, int padBefore,
            int padAfter, int stride);

    static native int tsr_blur_forward_cuda(@Cast("float*") long out, @Cast("const float*") long in,
            long planes, long H, long W, @Cast("const float*") float[] taps, int K, int padBefore,
            int padAfter, int stride, @Cast("void*") long stream);

    static native int tsr_blur_backward_cuda(@Cast("float*") long gradIn, @Cast("const float*") long gradOut,
            long planes, long H, long W, @Cast("const float*") float[] taps, int K, int padBefore,
            int padAfter, int stride, @Cast("void*") long stream);

    static native int tsr_mix_forward_cpu(@Cast("float*") long out, @Cast("float*") long p,
            @Cast("const float*") long logits, @Cast("const float*") long templates,
            long B, long N, long h, long w, long C, long th, long tw, float beta);

    static native int tsr_mix_backward_cpu(@Cast("float*") long gradLogits, @Cast("const float*") long gradOut,
            @Cast("const float*") long logits, @Cast("const float*") long p,
            @Cast("const float*") long templates, long B, long N, long h, long w, long C, long th,
            long tw, float beta);

    static native int tsr_mix_forward_cuda(@Cast("float*") long out, @Cast("float*") long p,
            @Cast("const float*") long logits, @Cast("const float*") long templates,
            long B, long N, long h, long w, long C, long th, long tw, float beta,
            @Cast("void*") long stream);

    static native int tsr_mix_backward_cuda(@Cast("float*") long gradLogits, @Cast("const float*") long gradOut,
            @Cast("const float*") long logits, @Cast("const float*") long p,
            @Cast("const float*") long templates, long B, long N, long h, long w, long C, long th,
            long tw, float beta, @Cast("void*") long stream);

    static native int tsr_nearest_cpu(@Cast("int32_t*") int[] index, float[] distance,
            @Cast("const float*") float[] queries, long M, @Cast("const float*") float[] refs, long N,
            long D, long L);

    static native int tsr_distances_cpu(float[] out, @Cast("const float*") float[] queries, long M,
            @Cast("const float*") float[] refs, long N, long D);
}
