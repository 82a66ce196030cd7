// Fused tempered softmax + template mix, CPU: mix_forward / mix_backward (contract in tessera.h).
//
// Work is split into blocks of kCells horizontally adjacent cells of one grid row. Per block:
//   forward:  P (kCells x N, softmax of beta*logits, max-subtracted) times T (N x CT, CT = C*th*tw)
//             gives the cells' pixels, scattered into the NCHW mosaic;
//   backward: G = Gc (kCells x CT, the cells' grad_out pixels) times T^T, then
//             grad_logits_k = beta * p_k * (g_k - sum_m p_m g_m).
// Both products use a register-blocked micro-kernel (4 rows x 16 columns in 8 AVX2 accumulators,
// GCC vector extensions; its AVX-512 twin, 4 x 32, is dispatched at run time where the CPU has it,
// since the library itself is built for x86-64-v3 to run anywhere) so every template value loaded
// serves 4 cells; a per-cell axpy would stream all N templates per cell and fall out of cache at
// N = 1000. The softmax runs 8 cells per vector (exp8). The templates are copied once per call
// into a zero-padded layout (T padded to 32-column panels for forward; T^T padded to N16 columns
// for backward) so the micro-kernels never need a tail.
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

constexpr int64_t kCells = 32;       // cells per block (multiple of 16)
constexpr int64_t kTemplates = 256;  // templates per forward pass: a 256 x 16 panel is 16 KB

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
// A full block (16 cells, the common case) runs 8 cells per vector with exp8; a row's last,
// partial block runs cell by cell (its vector loads would read past the row).
void softmax_block(float* P, const float* logits, const Geometry& g, const Block& blk, float beta) {
  const float* src = logits + blk.cell_offset(g);
  if (blk.n == kCells) {
    constexpr int V = kCells / 8;  // v8 per row of cells
    tsr::v8 mx[V], sum[V], inv[V];
    for (int v = 0; v < V; ++v) mx[v] = tsr::splat8(-INFINITY), sum[v] = tsr::splat8(0.0f);
    for (int64_t k = 0; k < g.N; ++k) {
      const float* l = src + k * g.hw();
      for (int v = 0; v < V; ++v) {
        const tsr::v8 a = tsr::load8(l + 8 * v);
        mx[v] = a > mx[v] ? a : mx[v];
      }
    }
    const tsr::v8 vb = tsr::splat8(beta);
    for (int64_t k = 0; k < g.N; ++k) {
      const float* l = src + k * g.hw();
      for (int v = 0; v < V; ++v) {
        // beta * (l - max) <= 0: the largest term is exactly 1, the sum is >= 1.
        const tsr::v8 e = tsr::exp8(vb * (tsr::load8(l + 8 * v) - mx[v]));
        tsr::store8(P + k * kCells + 8 * v, e);
        sum[v] += e;
      }
    }
    for (int v = 0; v < V; ++v) inv[v] = tsr::splat8(1.0f) / sum[v];
    for (int64_t k = 0; k < g.N; ++k)
      for (int v = 0; v < V; ++v) tsr::store8(P + k * kCells + 8 * v, tsr::load8(P + k * kCells + 8 * v) * inv[v]);
    return;
  }
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
  // Columns padded to 32: a whole number of panels for both micro-kernels.
  const int64_t ct = g.ct(), ct16 = round_up(ct, 2 * kCols);
  const bool wide = tsr::cpu_has_avx512();
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
      // Templates in chunks of kTemplates, and within a chunk one 16-column panel at a time for
      // every 4 cells: the panel (kTemplates x 16 floats, 16 KB) stays in L1 while all the block's
      // cells use it, instead of the whole template matrix streaming from L2 once per 4 cells.
      for (int64_t k0 = 0; k0 < N; k0 += kTemplates) {
        const int64_t kn = std::min(kTemplates, N - k0);
        const int64_t panel = wide ? 2 * kCols : kCols;
        for (int64_t q = 0; q < ct16; q += panel)
          for (int64_t m = 0; m < blk.n; m += 4) {
            if (wide)
              tsr::micro_4xN_512(&O[m * ct16 + q], ct16, &P[k0 * kCells + m], kCells, &tpad[k0 * ct16 + q], ct16, kn, panel,
                                 k0 > 0);
            else
              micro_4xN(&O[m * ct16 + q], ct16, &P[k0 * kCells + m], kCells, &tpad[k0 * ct16 + q], ct16, kn, panel, k0 > 0);
          }
      }
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
  const bool wide = tsr::cpu_has_avx512();
  std::vector<float> tt(ct * n16, 0.0f);  // T^T, zero-padded to n16 templates
  for (int64_t k = 0; k < N; ++k)
    for (int64_t q = 0; q < ct; ++q) tt[q * n16 + k] = templates[k * ct + q];

#pragma omp parallel num_threads(tsr::num_threads())
  {
    std::vector<float> P(N * kCells), Gc(ct * kCells), Gt(n16 * kCells);
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
      // Gt[k][m] = sum_q T[k][q] Gc[q][m]: 4 templates x the block's 16 cells per micro-kernel call,
      // the cells' pixels (ct x 16 floats, 12 KB at 8x8 RGB) staying in L1 for all templates, and the
      // result laid out like P ([k][m]) so the rest runs 16 cells wide.
      for (int64_t k = 0; k < n16; k += 4)
        if (wide) tsr::micro_4xN_512(&Gt[k * kCells], kCells, &tt[k], n16, Gc.data(), kCells, ct, kCells);
        else micro_4xN(&Gt[k * kCells], kCells, &tt[k], n16, Gc.data(), kCells, ct, kCells);
      // g_k - sum_m p_m g_m, measured from the cell's most likely template a:
      //   (g_k - g_a) - sum_m p_m (g_m - g_a).
      // Equal in exact arithmetic (the p sum to 1), but float p carries a relative error of a few
      // 1e-6 once beta * |logit| reaches tens, and in the plain form that error multiplies the
      // large g of the dominant template (templates are 0..255) and nearly cancels against g_a:
      // measured 2e-5 of the largest gradient at N=1000, beta=5. Offset by g_a, the dominant term
      // is exactly 0; the sum is taken in double.
      float best[kCells], ga[kCells], dotf[kCells];
      int64_t top[kCells];
      double dot[kCells];
      for (int64_t m = 0; m < kCells; ++m) {
        best[m] = P[m];
        top[m] = 0;
        dot[m] = 0.0;
      }
      for (int64_t k = 1; k < N; ++k)
        for (int64_t m = 0; m < kCells; ++m) {
          const float v = P[k * kCells + m];
          top[m] = v > best[m] ? k : top[m];
          best[m] = v > best[m] ? v : best[m];
        }
      for (int64_t m = 0; m < kCells; ++m) ga[m] = Gt[top[m] * kCells + m];
      for (int64_t k = 0; k < N; ++k)
        for (int64_t m = 0; m < kCells; ++m)
          dot[m] += (double)P[k * kCells + m] * (double)(Gt[k * kCells + m] - ga[m]);
      for (int64_t m = 0; m < kCells; ++m) dotf[m] = (float)dot[m];
      float* dst = grad_logits + blk.cell_offset(g);
      float row[kCells];
      for (int64_t k = 0; k < N; ++k) {
        for (int64_t m = 0; m < kCells; ++m)
          row[m] = beta * P[k * kCells + m] * ((Gt[k * kCells + m] - ga[m]) - dotf[m]);
        std::memcpy(dst + k * g.hw(), row, blk.n * sizeof(float));
      }
    }
  }
  return TSR_OK;
}

}  // extern "C"
