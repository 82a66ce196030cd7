// Shared by the CPU and CUDA sources: the thread-local error message and the argument checks that
// every entry point runs before touching memory (kernels assume checked input).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdarg>

#include "tessera.h"

namespace tsr {

// Records a message for tsr_last_error() on this thread; returns code so callers can `return fail(..)`.
int fail(int code, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void clear_error();
// Threads for the CPU ops' parallel regions (tsr_set_num_threads, else OpenMP's default).
int num_threads();

// Largest blur kernel the ops accept; the method uses 3, 5 and 8 taps.
constexpr int kMaxTaps = 64;
constexpr int kMaxStride = 16;

inline int64_t blur_out_size(int64_t n, int K, int pad_before, int pad_after, int stride) {
  return (n + pad_before + pad_after - K) / stride + 1;
}

inline int check_blur(const void* a, const void* b, int64_t planes, int64_t H, int64_t W,
                      const float* taps, int K, int pad_before, int pad_after, int stride) {
  if (!a || !b || !taps) return fail(TSR_E_ARG, "blur: null pointer");
  if (planes < 0 || H < 1 || W < 1)
    return fail(TSR_E_ARG, "blur: bad size planes=%lld H=%lld W=%lld", (long long)planes,
                (long long)H, (long long)W);
  if (K < 1 || K > kMaxTaps) return fail(TSR_E_ARG, "blur: K=%d taps, expected 1..%d", K, kMaxTaps);
  if (stride < 1 || stride > kMaxStride)
    return fail(TSR_E_ARG, "blur: stride=%d, expected 1..%d", stride, kMaxStride);
  if (pad_before < 0 || pad_after < 0 || pad_before >= K || pad_after >= K)
    return fail(TSR_E_ARG, "blur: padding %d/%d, each must be in 0..K-1 (K=%d)", pad_before,
                pad_after, K);
  if (H + pad_before + pad_after < K || W + pad_before + pad_after < K)
    return fail(TSR_E_ARG, "blur: padded image %lldx%lld is smaller than the %d-tap kernel",
                (long long)(H + pad_before + pad_after), (long long)(W + pad_before + pad_after), K);
  return TSR_OK;
}

inline int check_mix(const void* a, const void* b, const void* templates, int64_t B, int64_t N,
                     int64_t h, int64_t w, int64_t C, int64_t th, int64_t tw, float beta) {
  if (!a || !b || !templates) return fail(TSR_E_ARG, "mix: null pointer");
  if (B < 0 || N < 1 || h < 1 || w < 1 || C < 1 || th < 1 || tw < 1)
    return fail(TSR_E_ARG, "mix: bad size B=%lld N=%lld h=%lld w=%lld C=%lld th=%lld tw=%lld",
                (long long)B, (long long)N, (long long)h, (long long)w, (long long)C,
                (long long)th, (long long)tw);
  if (!(beta > 0.0f) || beta > 1e30f) return fail(TSR_E_ARG, "mix: beta=%g must be finite and > 0", beta);
  return TSR_OK;
}

}  // namespace tsr
