/*
 * Tessera native ops: C ABI over raw pointers (NCHW, float32, contiguous).
 *
 * LibTorch's JavaCPP preset ships no C++ headers, so nothing here takes an at::Tensor: the Java
 * facade (dev.tessera.ops.Ops) checks shapes, dtypes, devices and contiguity, then passes data
 * pointers. Every function returns TSR_OK (0) or a negative TSR_E* code, and on failure leaves a
 * message for tsr_last_error() on the calling thread. Argument order: outputs, inputs, sizes.
 *
 * CUDA entry points exist in every build; where the library was built without nvcc they return
 * TSR_E_NO_CUDA. They take a cudaStream_t as void* (NULL = the legacy default stream) and enqueue
 * asynchronously; pointers must be device pointers.
 *
 * All backward functions OVERWRITE their gradient output (they never accumulate).
 */
#ifndef TESSERA_H
#define TESSERA_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; only this API is exported. */
#define TSR_API __attribute__((visibility("default")))

#define TSR_OK 0
#define TSR_E_ARG (-1)      /* an argument is out of range; the message says which */
#define TSR_E_CUDA (-2)     /* a CUDA call failed; the message has CUDA's error string */
#define TSR_E_NO_CUDA (-3)  /* this library was built without CUDA */
#define TSR_E_NOMEM (-4)

/* ---- library ---------------------------------------------------------------------------- */

/* Version as major*10000 + minor*100 + patch. */
TSR_API int tsr_version(void);
/* The message of the last failure on this thread ("" if none). Valid until the next call. */
TSR_API const char* tsr_last_error(void);
/* 1 when the CUDA kernels were compiled into this library. */
TSR_API int tsr_cuda_compiled(void);
/* Number of usable CUDA devices; 0 without a driver, a device or a CUDA build (never fails). */
TSR_API int tsr_cuda_device_count(void);
/* Threads the CPU ops use (OpenMP); n <= 0 restores the default. */
TSR_API void tsr_set_num_threads(int n);
TSR_API int tsr_get_num_threads(void);
/* 1 when the CPU kernels run their AVX-512 builds, 0 for the AVX2 ones (no AVX-512 here, or     */
/* TESSERA_NO_AVX512=1 in the environment).                                                         */
TSR_API int tsr_cpu_avx512(void);

/* ---- device memory, for callers without a CUDA tensor library (tests, benchmarks) --------- */

TSR_API int tsr_cuda_malloc(void** ptr, int64_t bytes);
TSR_API int tsr_cuda_free(void* ptr);
TSR_API int tsr_cuda_memcpy_h2d(void* dst, const void* src, int64_t bytes);
TSR_API int tsr_cuda_memcpy_d2h(void* dst, const void* src, int64_t bytes);
TSR_API int tsr_cuda_synchronize(void);

/* ---- separable depthwise Gaussian blur ------------------------------------------------------
 * in: planes x H x W (planes = B*C; every plane gets the same kernel), taps: K floats applied
 * along rows and along columns (the 2-D kernel is taps (x) taps), zero padding pad_before /
 * pad_after on each side of each axis, stride s >= 1:
 *   Ho = (H + pad_before + pad_after - K) / s + 1,  Wo likewise (both must be >= 1)
 *   out[p, i, j] = sum_{a,b} taps[a] taps[b] in[p, i*s + a - pad_before, j*s + b - pad_before]
 * backward: grad_in (planes x H x W, overwritten) from grad_out (planes x Ho x Wo).            */

TSR_API int tsr_blur_forward_cpu(float* out, const float* in, int64_t planes, int64_t H, int64_t W,
                         const float* taps, int K, int pad_before, int pad_after, int stride);
TSR_API int tsr_blur_backward_cpu(float* grad_in, const float* grad_out, int64_t planes, int64_t H,
                          int64_t W, const float* taps, int K, int pad_before, int pad_after,
                          int stride);
/* taps is a HOST pointer here (copied to constant memory); in/out are device pointers. */
TSR_API int tsr_blur_forward_cuda(float* out, const float* in, int64_t planes, int64_t H, int64_t W,
                          const float* taps, int K, int pad_before, int pad_after, int stride,
                          void* stream);
TSR_API int tsr_blur_backward_cuda(float* grad_in, const float* grad_out, int64_t planes, int64_t H,
                           int64_t W, const float* taps, int K, int pad_before, int pad_after,
                           int stride, void* stream);

/* ---- fused tempered softmax + template mix ----------------------------------------------------
 * logits B x N x h x w, templates N x C x th x tw (0..255), beta > 0:
 *   p[b,:,i,j] = softmax(beta * logits[b,:,i,j])             (max-subtracted)
 *   out[b, c, i*th + y, j*tw + x] = sum_k p[b,k,i,j] * templates[k, c, y, x]
 * out: B x C x (h*th) x (w*tw); p: B x N x h x w, written when not NULL.
 * backward (grad_logits overwritten, B x N x h x w):
 *   g_k = sum_{c,y,x} grad_out[cell pixels] * templates[k]
 *   grad_logits_k = beta * p_k * (g_k - sum_m p_m g_m)
 * p may be NULL (recomputed from logits) or the p written by the forward.                       */

TSR_API int tsr_mix_forward_cpu(float* out, float* p, const float* logits, const float* templates,
                        int64_t B, int64_t N, int64_t h, int64_t w, int64_t C, int64_t th,
                        int64_t tw, float beta);
TSR_API int tsr_mix_backward_cpu(float* grad_logits, const float* grad_out, const float* logits,
                         const float* p, const float* templates, int64_t B, int64_t N, int64_t h,
                         int64_t w, int64_t C, int64_t th, int64_t tw, float beta);
TSR_API int tsr_mix_forward_cuda(float* out, float* p, const float* logits, const float* templates,
                         int64_t B, int64_t N, int64_t h, int64_t w, int64_t C, int64_t th,
                         int64_t tw, float beta, void* stream);
TSR_API int tsr_mix_backward_cuda(float* grad_logits, const float* grad_out, const float* logits,
                          const float* p, const float* templates, int64_t B, int64_t N, int64_t h,
                          int64_t w, int64_t C, int64_t th, int64_t tw, float beta, void* stream);

/* ---- nearest templates (classic matching) ------------------------------------------------------
 * queries M x D and refs N x D, row-major: for each query the L refs with the smallest squared
 * Euclidean distance, ascending (equal distances: lower index first). index: M x L; distance:
 * M x L, or NULL when not wanted. 1 <= L <= N.                                                    */

TSR_API int tsr_nearest_cpu(int32_t* index, float* distance, const float* queries, int64_t M,
                            const float* refs, int64_t N, int64_t D, int64_t L);
/* All squared distances, out M x N (row-major), computed the same way as tsr_nearest_cpu's.       */
TSR_API int tsr_distances_cpu(float* out, const float* queries, int64_t M, const float* refs,
                              int64_t N, int64_t D);

#ifdef __cplusplus
}
#endif
#endif
