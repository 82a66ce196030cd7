// Separable depthwise Gaussian blur, CPU: blur_forward / blur_backward (contract in tessera.h).
//
// Each output row is independent and built in two passes over row buffers that stay in L1:
//   forward:  column pass  acc[x] = sum_a taps[a] * in[i*s + a - pad][x]   (K input rows at once)
//             row pass     out[j] = sum_b taps[b] * accp[j*s + b]          (accp: acc with zero pads)
//   backward: the transpose in the same order, per grad_in row y:
//             column pass  acc[j] = sum over taps a that map output row i onto y of taps[a] * g[i][j]
//             row pass     grad_in[x] = sum_b taps[b] * up[x + K-1 - b]    (up: acc zero-stuffed by
//                          the stride and zero-padded, so every stride uses one correlation loop)
// Rows outside the image read a shared zero row, so the loops have no branches. Both passes keep
// the sum over taps in registers and write each output once; with the tap count a compile-time
// constant (3, 5 and 8, the method's kernels) the tap loop unrolls and the x/j loop vectorises.
// Checked with -fopt-info-vec-optimized (gcc 12, -O3 -march=x86-64-v3): the column and row loops of
// every instantiation are reported vectorised (strided row passes with gathers). Rows are split
// across threads in contiguous chunks. grad_in is OVERWRITTEN, never accumulated.
#include <omp.h>

#include <algorithm>
#include <vector>

#include "internal.h"

namespace {

// KC > 0: the tap count is the compile-time constant KC; KC == 0: it is the runtime k.
template <int KC>
struct Taps {
  static void columns(float* __restrict out, const float* const* rows, const float* taps, int k,
                      int64_t n) {
    const int K = KC > 0 ? KC : k;
    for (int64_t x = 0; x < n; ++x) {
      float s = 0.0f;
      for (int a = 0; a < K; ++a) s += taps[a] * rows[a][x];
      out[x] = s;
    }
  }

  static void correlate(float* __restrict y, const float* __restrict xp, const float* taps, int k,
                        int64_t n, int stride) {
    const int K = KC > 0 ? KC : k;
    if (stride == 1) {
      for (int64_t j = 0; j < n; ++j) {
        float s = 0.0f;
        for (int b = 0; b < K; ++b) s += taps[b] * xp[j + b];
        y[j] = s;
      }
    } else {
      for (int64_t j = 0; j < n; ++j) {
        float s = 0.0f;
        for (int b = 0; b < K; ++b) s += taps[b] * xp[j * stride + b];
        y[j] = s;
      }
    }
  }
};

struct Blur {
  const float* taps;
  int K, pad_before, pad_after, stride;
  int64_t H, W, Ho, Wo;
};

template <int KC>
void forward(float* out, const float* in, int64_t planes, const Blur& b) {
  const int64_t rows = planes * b.Ho;
#pragma omp parallel num_threads(tsr::num_threads())
  {
    std::vector<float> zero(b.W, 0.0f), padded(b.W + b.K, 0.0f);
    std::vector<const float*> src(b.K);
    float* acc = padded.data() + b.pad_before;  // [0, pad_before) and the tail stay zero
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t p = r / b.Ho, i = r % b.Ho;
      const float* plane = in + p * b.H * b.W;
      for (int a = 0; a < b.K; ++a) {
        const int64_t y = i * b.stride + a - b.pad_before;
        src[a] = (y >= 0 && y < b.H) ? plane + y * b.W : zero.data();
      }
      Taps<KC>::columns(acc, src.data(), b.taps, b.K, b.W);
      Taps<KC>::correlate(out + r * b.Wo, padded.data(), b.taps, b.K, b.Wo, b.stride);
    }
  }
}

template <int KC>
void backward(float* grad_in, const float* grad_out, int64_t planes, const Blur& b) {
  const int64_t rows = planes * b.H;
  // up[u] holds the column-pass result at u = j*stride + (K-1-pad_before), zeros elsewhere, so
  // grad_in[x] = sum_b taps[b] * up[x + K-1 - b]; flipping the taps makes that a correlation.
  const int64_t lead = b.K - 1 - b.pad_before;
  std::vector<float> flipped(b.taps, b.taps + b.K);
  std::reverse(flipped.begin(), flipped.end());
#pragma omp parallel num_threads(tsr::num_threads())
  {
    std::vector<float> zero(b.Wo, 0.0f), acc(b.Wo), up(b.W + b.K + (b.Wo - 1) * b.stride + 1, 0.0f);
    std::vector<const float*> src(b.K);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t p = r / b.H, y = r % b.H;
      const float* g = grad_out + p * b.Ho * b.Wo;
      // Output row i reaches input row y through tap a when i*stride + a - pad_before == y.
      for (int a = 0; a < b.K; ++a) {
        const int64_t num = y + b.pad_before - a;
        const bool hit = num >= 0 && num % b.stride == 0 && num / b.stride < b.Ho;
        src[a] = hit ? g + (num / b.stride) * b.Wo : zero.data();
      }
      Taps<KC>::columns(acc.data(), src.data(), b.taps, b.K, b.Wo);
      if (b.stride == 1) {
        std::copy(acc.begin(), acc.end(), up.begin() + lead);
      } else {
        for (int64_t j = 0; j < b.Wo; ++j) up[lead + j * b.stride] = acc[j];
      }
      Taps<KC>::correlate(grad_in + r * b.W, up.data(), flipped.data(), b.K, b.W, 1);
    }
  }
}

Blur describe(int64_t H, int64_t W, const float* taps, int K, int pad_before, int pad_after, int stride) {
  return Blur{taps, K, pad_before, pad_after, stride, H, W,
              tsr::blur_out_size(H, K, pad_before, pad_after, stride),
              tsr::blur_out_size(W, K, pad_before, pad_after, stride)};
}

}  // namespace

extern "C" {

int tsr_blur_forward_cpu(float* out, const float* in, int64_t planes, int64_t H, int64_t W,
                         const float* taps, int K, int pad_before, int pad_after, int stride) {
  int rc = tsr::check_blur(out, in, planes, H, W, taps, K, pad_before, pad_after, stride);
  if (rc != TSR_OK) return rc;
  const Blur b = describe(H, W, taps, K, pad_before, pad_after, stride);
  switch (K) {  // the method's kernels get unrolled tap loops
    case 3: forward<3>(out, in, planes, b); break;
    case 5: forward<5>(out, in, planes, b); break;
    case 8: forward<8>(out, in, planes, b); break;
    default: forward<0>(out, in, planes, b);
  }
  return TSR_OK;
}

int tsr_blur_backward_cpu(float* grad_in, const float* grad_out, int64_t planes, int64_t H,
                          int64_t W, const float* taps, int K, int pad_before, int pad_after,
                          int stride) {
  int rc = tsr::check_blur(grad_in, grad_out, planes, H, W, taps, K, pad_before, pad_after, stride);
  if (rc != TSR_OK) return rc;
  const Blur b = describe(H, W, taps, K, pad_before, pad_after, stride);
  switch (K) {
    case 3: backward<3>(grad_in, grad_out, planes, b); break;
    case 5: backward<5>(grad_in, grad_out, planes, b); break;
    case 8: backward<8>(grad_in, grad_out, planes, b); break;
    default: backward<0>(grad_in, grad_out, planes, b);
  }
  return TSR_OK;
}

}  // extern "C"
