// Fused tempered softmax + template mix, CPU: mix_forward / mix_backward (contract in tessera.h).
//
// Work is split into blocks of kCells horizontally adjacent cells of one grid row. Per block:
//   forward:  P (kCells x N, softmax of beta*logits, max-subtracted) times T (N x CT, CT = C*th*tw)
//             gives the cells' pixels, scattered into the NCHW mosaic;
//   backward: G = Gc (kCells x CT, the cells' grad_out pixels) times T^T, then
//             grad_logits_k = beta * p_k * (g_k - sum_m p_m g_m).
// Both products use a register-blocked micro-kernel (4 cells x 16 columns, GCC vector
// extensions, 8 accumulators) so every template value loaded serves 4 cells; a per-cell axpy
// would stream all N templates per cell and fall out of cache at N = 1000. The templates are copied
// once per call into a zero-padded layout (T padded to CT16 columns for forward; T^T padded to N16
// columns for backward) so the micro-kernel never needs a tail.
// grad_logits is OVERWRITTEN, never accumulated.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "internal.h"

namespace {

using tsr::kCols;
using tsr::micro_4xN;
using tsr::round_up;

constexpr int64_t kCells = 16;  // cells per block (multiple of 4)

struct Geometry {
  int64_t B, N, h, w, C, th, tw;
  int64_t hw() const { return h * w; }
  int64_t ct() const { return C * th * tw; }
  int64_t H() const { return h * th; }
  int64_t W() const { return w * tw; }
  int64_t blocks_per_row() const { return (w + kCells - 1) / kCells; }
  int64_t blocks() const { return B * h * blocks_per_row(); }
};

// One block: batch b, grid row i, cells j0 .. j0+n-1 (n <= kCells).
struct Block {
  int64_t b, i, j0, n;
  Block(const Geometry& g, int64_t index) {
    const int64_t bpr = g.blocks_per_row();
    j0 = (index % bpr) * kCells;
    i = (index / bpr) % g.h;
    b = index / bpr / g.h;
    n = std::min(kCells, g.w - j0);
  }
  // Offset of (k = 0, this block's first cell) in a B x N x h x w tensor.
  int64_t cell_offset(const Geometry& g) const { return b * g.N * g.hw() + i * g.w + j0; }
};

// P[k][m] (N x kCells) = softmax over k of beta * logits for the block's cells; pad cells get 0.
void softmax_block(float* P, const float* logits, const Geometry& g, const Block& blk, float beta) {
  const float* src = logits + blk.cell_offset(g);
  float mx[kCells], sum[kCells];
  std::fill(mx, mx + kCells, -INFINITY);
  for (int64_t k = 0; k < g.N; ++k) {
    const float* l = src + k * g.hw();
    for (int64_t m = 0; m < blk.n; ++m) mx[m] = std::max(mx[m], l[m]);
  }
  std::fill(sum, sum + kCells, 0.0f);
  for (int64_t k = 0; k < g.N; ++k) {
    const float* l = src + k * g.hw();
    float* row = P + k * kCells;
    for (int64_t m = 0; m < blk.n; ++m) {
      // beta * (l - max) <= 0: exp never overflows, and the largest term is exactly 1.
      const float e = std::exp(beta * (l[m] - mx[m]));
      row[m] = e;
      sum[m] += e;
    }
    for (int64_t m = blk.n; m < kCells; ++m) row[m] = 0.0f;
  }
  float inv[kCells];
  for (int64_t m = 0; m < blk.n; ++m) inv[m] = 1.0f / sum[m];
  for (int64_t k = 0; k < g.N; ++k) {
    float* row = P + k * kCells;
    for (int64_t m = 0; m < blk.n; ++m) row[m] *= inv[m];
  }
}

// P[k][m] from a saved probability tensor.
void load_block(float* P, const float* p, const Geometry& g, const Block& blk) {
  const float* src = p + blk.cell_offset(g);
  for (int64_t k = 0; k < g.N; ++k) {
    float* row = P + k * kCells;
    std::memcpy(row, src + k * g.hw(), blk.n * sizeof(float));
    std::fill(row + blk.n, row + kCells, 0.0f);
  }
}

}  // namespace

extern "C" {

int tsr_mix_forward_cpu(float* out, float* p, const float* logits, const float* templates,
                        int64_t B, int64_t N, int64_t h, int64_t w, int64_t C, int64_t th,
                        int64_t tw, float beta) {
  int rc = tsr::check_mix(out, logits, templates, B, N, h, w, C, th, tw, beta);
  if (rc != TSR_OK) return rc;
  const Geometry g{B, N, h, w, C, th, tw};
  const int64_t ct = g.ct(), ct16 = round_up(ct, kCols);
  std::vector<float> tpad(N * ct16, 0.0f);
  for (int64_t k = 0; k < N; ++k) std::memcpy(&tpad[k * ct16], templates + k * ct, ct * sizeof(float));

#pragma omp parallel num_threads(tsr::num_threads())
  {
    std::vector<float> P(N * kCells), O(kCells * ct16);
#pragma omp for schedule(static)
    for (int64_t index = 0; index < g.blocks(); ++index) {
      const Block blk(g, index);
      softmax_block(P.data(), logits, g, blk, beta);
      if (p) {
        float* dst = p + blk.cell_offset(g);
        for (int64_t k = 0; k < N; ++k) std::memcpy(dst + k * g.hw(), &P[k * kCells], blk.n * sizeof(float));
      }
      for (int64_t m = 0; m < blk.n; m += 4)
        micro_4xN(&O[m * ct16], ct16, &P[m], kCells, tpad.data(), ct16, N, ct16);
      // Scatter: pixel (c, y, x) of cell m goes to row c*H + i*th + y, column (j0 + m)*tw + x.
      for (int64_t c = 0; c < C; ++c)
        for (int64_t y = 0; y < th; ++y) {
          float* row = out + ((blk.b * C + c) * g.H() + blk.i * th + y) * g.W() + blk.j0 * tw;
          const float* src = &O[(c * th + y) * tw];
          for (int64_t m = 0; m < blk.n; ++m) std::memcpy(row + m * tw, src + m * ct16, tw * sizeof(float));
        }
    }
  }
  return TSR_OK;
}

int tsr_mix_backward_cpu(float* grad_logits, const float* grad_out, const float* logits,
                         const float* p, const float* templates, int64_t B, int64_t N, int64_t h,
                         int64_t w, int64_t C, int64_t th, int64_t tw, float beta) {
  int rc = tsr::check_mix(grad_logits, grad_out, templates, B, N, h, w, C, th, tw, beta);
  if (rc != TSR_OK) return rc;
  if (!logits && !p) return tsr::fail(TSR_E_ARG, "mix_backward: needs logits or p");
  const Geometry g{B, N, h, w, C, th, tw};
  const int64_t ct = g.ct(), n16 = round_up(N, kCols);
  std::vector<float> tt(ct * n16, 0.0f);  // T^T, zero-padded to n16 templates
  for (int64_t k = 0; k < N; ++k)
    for (int64_t q = 0; q < ct; ++q) tt[q * n16 + k] = templates[k * ct + q];

#pragma omp parallel num_threads(tsr::num_threads())
  {
    std::vector<float> P(N * kCells), Gc(ct * kCells), G(kCells * n16);
#pragma omp for schedule(static)
    for (int64_t index = 0; index < g.blocks(); ++index) {
      const Block blk(g, index);
      if (p) load_block(P.data(), p, g, blk);
      else softmax_block(P.data(), logits, g, blk, beta);
      // Gc[q][m]: the block's grad_out pixels, cell-minor; pad cells are zero.
      for (int64_t c = 0; c < C; ++c)
        for (int64_t y = 0; y < th; ++y) {
          const float* row = grad_out + ((blk.b * C + c) * g.H() + blk.i * th + y) * g.W() + blk.j0 * tw;
          for (int64_t x = 0; x < tw; ++x) {
            float* dst = &Gc[((c * th + y) * tw + x) * kCells];
            for (int64_t m = 0; m < blk.n; ++m) dst[m] = row[m * tw + x];
            for (int64_t m = blk.n; m < kCells; ++m) dst[m] = 0.0f;
          }
        }
      for (int64_t m = 0; m < blk.n; m += 4)
        micro_4xN(&G[m * n16], n16, &Gc[m], kCells, tt.data(), n16, ct, n16);
      // g_k - sum_m p_m g_m, measured from the cell's most likely template a:
      //   (g_k - g_a) - sum_m p_m (g_m - g_a).
      // Equal in exact arithmetic (the p sum to 1), but float p carries a relative error of a few
      // 1e-6 once beta * |logit| reaches tens, and in the plain form that error multiplies the
      // large g of the dominant template (templates are 0..255) and nearly cancels against g_a:
      // measured 2e-5 of the largest gradient at N=1000, beta=5. Offset by g_a, the dominant term
      // is exactly 0; the sum is taken in double.
      int64_t top[kCells] = {0};
      for (int64_t k = 1; k < N; ++k)
        for (int64_t m = 0; m < blk.n; ++m)
          if (P[k * kCells + m] > P[top[m] * kCells + m]) top[m] = k;
      double dot[kCells] = {0};
      for (int64_t k = 0; k < N; ++k)
        for (int64_t m = 0; m < blk.n; ++m)
          dot[m] += (double)P[k * kCells + m] * ((double)G[m * n16 + k] - G[m * n16 + top[m]]);
      float* dst = grad_logits + blk.cell_offset(g);
      for (int64_t k = 0; k < N; ++k) {
        float* row = dst + k * g.hw();
        for (int64_t m = 0; m < blk.n; ++m)
          row[m] = beta * P[k * kCells + m] * (float)((double)G[m * n16 + k] - G[m * n16 + top[m]] - dot[m]);
      }
    }
  }
  return TSR_OK;
}

}  // extern "C"
