// Separable depthwise Gaussian blur, CPU: blur_forward / blur_backward (contract in tessera.h).
//
// Each output row is independent: the vertical taps are applied first into one row buffer of
// width W (a weighted sum of up to K input rows that are still in cache from the previous row),
// then the horizontal taps turn that row into the Wo outputs. This needs no halo recomputation and
// no full-size intermediate, and rows are split across threads in contiguous chunks.
// Backward is the transpose in the same order: gather grad_out rows vertically into a Wo buffer,
// then scatter horizontally into one grad_in row. grad_in is OVERWRITTEN, never accumulated.
//
// Vectorisation (checked with -fopt-info-vec-optimized, gcc 12, -O3 -march=x86-64-v3): the
// vertical loops (`acc[x] += t * row[x]`) and the unit-stride horizontal loops (`y[j] += t *
// x[j + off]`) are reported vectorised; the strided (pyramid) horizontal loops are not, and matter
// little (they run on 1/4 and 1/16 of the pixels).
#include <omp.h>

#include <algorithm>
#include <vector>

#include "internal.h"

namespace {

// Output columns j in [lo, hi) whose input column j*s + off lies inside [0, W).
inline void valid_range(int64_t W, int64_t Wo, int64_t off, int s, int64_t* lo, int64_t* hi) {
  *lo = off >= 0 ? 0 : (-off + s - 1) / s;
  *hi = W - 1 - off < 0 ? 0 : std::min<int64_t>(Wo, (W - 1 - off) / s + 1);
}

// y[j] = sum_b taps[b] * x[j*s + b - pad_before], zero outside x.
void horizontal(float* __restrict y, const float* __restrict x, int64_t W, int64_t Wo,
                const float* taps, int K, int pad_before, int s) {
  std::fill(y, y + Wo, 0.0f);
  for (int b = 0; b < K; ++b) {
    const int64_t off = b - pad_before;
    const float t = taps[b];
    int64_t lo, hi;
    valid_range(W, Wo, off, s, &lo, &hi);
    if (s == 1) {
      const float* __restrict xs = x + off;
      for (int64_t j = lo; j < hi; ++j) y[j] += t * xs[j];
    } else {
      for (int64_t j = lo; j < hi; ++j) y[j] += t * x[j * s + off];
    }
  }
}

// Transpose of horizontal(): x[j*s + b - pad_before] += taps[b] * y[j]; x (width W) overwritten.
void horizontal_transposed(float* __restrict x, const float* __restrict y, int64_t W, int64_t Wo,
                           const float* taps, int K, int pad_before, int s) {
  std::fill(x, x + W, 0.0f);
  for (int b = 0; b < K; ++b) {
    const int64_t off = b - pad_before;
    const float t = taps[b];
    int64_t lo, hi;
    valid_range(W, Wo, off, s, &lo, &hi);
    if (s == 1) {
      float* __restrict xs = x + off;
      for (int64_t j = lo; j < hi; ++j) xs[j] += t * y[j];
    } else {
      for (int64_t j = lo; j < hi; ++j) x[j * s + off] += t * y[j];
    }
  }
}

inline void axpy(float* __restrict acc, const float* __restrict row, float t, int64_t n) {
  for (int64_t x = 0; x < n; ++x) acc[x] += t * row[x];
}

}  // namespace

extern "C" {

int tsr_blur_forward_cpu(float* out, const float* in, int64_t planes, int64_t H, int64_t W,
                         const float* taps, int K, int pad_before, int pad_after, int stride) {
  int rc = tsr::check_blur(out, in, planes, H, W, taps, K, pad_before, pad_after, stride);
  if (rc != TSR_OK) return rc;
  const int64_t Ho = tsr::blur_out_size(H, K, pad_before, pad_after, stride);
  const int64_t Wo = tsr::blur_out_size(W, K, pad_before, pad_after, stride);
  const int64_t rows = planes * Ho;
#pragma omp parallel num_threads(tsr::num_threads())
  {
    std::vector<float> column(W);
    float* acc = column.data();
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t p = r / Ho, i = r % Ho;
      const float* plane = in + p * H * W;
      std::fill(acc, acc + W, 0.0f);
      for (int a = 0; a < K; ++a) {
        const int64_t y = i * stride + a - pad_before;
        if (y >= 0 && y < H) axpy(acc, plane + y * W, taps[a], W);
      }
      horizontal(out + r * Wo, acc, W, Wo, taps, K, pad_before, stride);
    }
  }
  return TSR_OK;
}

int tsr_blur_backward_cpu(float* grad_in, const float* grad_out, int64_t planes, int64_t H,
                          int64_t W, const float* taps, int K, int pad_before, int pad_after,
                          int stride) {
  int rc = tsr::check_blur(grad_in, grad_out, planes, H, W, taps, K, pad_before, pad_after, stride);
  if (rc != TSR_OK) return rc;
  const int64_t Ho = tsr::blur_out_size(H, K, pad_before, pad_after, stride);
  const int64_t Wo = tsr::blur_out_size(W, K, pad_before, pad_after, stride);
  const int64_t rows = planes * H;
#pragma omp parallel num_threads(tsr::num_threads())
  {
    std::vector<float> gathered(Wo);
    float* acc = gathered.data();
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t p = r / H, y = r % H;
      const float* g = grad_out + p * Ho * Wo;
      std::fill(acc, acc + Wo, 0.0f);
      // Output rows i with i*stride + a - pad_before == y receive tap a of input row y.
      for (int a = 0; a < K; ++a) {
        const int64_t num = y + pad_before - a;
        if (num < 0 || num % stride != 0) continue;
        const int64_t i = num / stride;
        if (i < Ho) axpy(acc, g + i * Wo, taps[a], Wo);
      }
      horizontal_transposed(grad_in + r * W, acc, W, Wo, taps, K, pad_before, stride);
    }
  }
  return TSR_OK;
}

}  // extern "C"
