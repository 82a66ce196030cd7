// Fused tempered softmax + template mix, CUDA: mix_forward / mix_backward (contract in tessera.h).
//
// A block owns kCells = 32 consecutive cells (flattened over B x h x w), one launch per direction:
//   1. softmax statistics per cell (max of the logits, 1 / sum exp(beta * (l - max))), with the
//      32 cells across a warp so logit loads are coalesced;
//   2. forward: out cells (32 x CT) = P (32 x N) . T (N x CT), CT = C*th*tw, in 64-column tiles
//      of CT, k in chunks of 32: the P chunk and the TEMPLATE chunk sit in shared memory, each
//      thread accumulates 2 cells x 4 columns; the tile is staged in shared memory and written
//      row by row (consecutive threads on consecutive addresses when tw divides 64);
//      backward: G (32 x N) = Gc (32 x CT) . T^T in 64-template tiles, q in chunks of 32, both
//      operands in shared memory; g is parked in grad_logits, then sum_m p_m (g_m - g_a) is
//      reduced in double (a: the cell's most likely template), then a last sweep over the block's
//      own cells writes beta * p * (g - g_a - sum) in place (global writes of a block are visible
//      to the block after __syncthreads).
// grad_logits is OVERWRITTEN, never accumulated.
#include <algorithm>

#include "check.cuh"

namespace {

constexpr int kCells = 32;
constexpr int kThreads = 256;
constexpr int kTile = 64;   // output columns (forward) or templates (backward) per tile
constexpr int kChunk = 32;  // reduction depth per shared-memory chunk

struct Geom {
  int64_t cells, N, hw, C, th, tw, W, H, ct;
  float beta;
};

__device__ inline int64_t cell_offset(const Geom& g, int64_t cell) {
  const int64_t b = cell / g.hw;
  return b * g.N * g.hw + (cell - b * g.hw);
}

// Offset in the B x C x H x W mosaic of pixel q = (c, y, x) of a cell.
__device__ inline int64_t pixel_offset(const Geom& g, int64_t cell, int64_t q) {
  const int64_t b = cell / g.hw, ij = cell - b * g.hw;
  const int64_t w = g.W / g.tw;
  const int64_t i = ij / w, j = ij - i * w;
  const int64_t c = q / (g.th * g.tw), y = (q / g.tw) % g.th, x = q % g.tw;
  return ((b * g.C + c) * g.H + i * g.th + y) * g.W + j * g.tw + x;
}

// Per-cell max (and its template index) and 1/sum for the block's cells into smax/sarg/sinv
// (threads: 32 cells x 8 k-lanes). With p given instead of logits, only the argmax of p.
__device__ void softmax_stats(const Geom& g, const float* __restrict__ logits, const float* __restrict__ p,
                              int64_t cell0, float* smax, int* sarg, float* sinv, float* scratch, int* scratch_arg) {
  const int m = threadIdx.x % kCells, lane = threadIdx.x / kCells, lanes = kThreads / kCells;
  const int64_t cell = cell0 + m;
  const bool valid = cell < g.cells;
  const float* src = valid ? (p ? p : logits) + cell_offset(g, cell) : nullptr;
  float mx = -INFINITY;
  int arg = 0;
  if (valid)
    for (int64_t k = lane; k < g.N; k += lanes) {
      const float v = src[k * g.hw];
      if (v > mx) { mx = v; arg = (int)k; }
    }
  scratch[lane * kCells + m] = mx;
  scratch_arg[lane * kCells + m] = arg;
  __syncthreads();
  if (lane == 0) {
    for (int r = 1; r < lanes; ++r)
      if (scratch[r * kCells + m] > mx) { mx = scratch[r * kCells + m]; arg = scratch_arg[r * kCells + m]; }
    smax[m] = mx;
    sarg[m] = arg;
  }
  __syncthreads();
  if (p) return;
  mx = smax[m];
  float sum = 0.0f;
  if (valid)
    for (int64_t k = lane; k < g.N; k += lanes) sum += __expf(g.beta * (src[k * g.hw] - mx));
  scratch[lane * kCells + m] = sum;
  __syncthreads();
  if (lane == 0) {
    for (int r = 1; r < lanes; ++r) sum += scratch[r * kCells + m];
    sinv[m] = valid ? 1.0f / sum : 0.0f;
  }
  __syncthreads();
}

__device__ inline float prob(const Geom& g, const float* logits, const float* p, int64_t off,
                             float mx, float inv) {
  return p ? p[off] : __expf(g.beta * (logits[off] - mx)) * inv;
}

__global__ void mix_forward_kernel(float* __restrict__ out, float* __restrict__ p_out,
                                   const float* __restrict__ logits,
                                   const float* __restrict__ templates, Geom g) {
  __shared__ float smax[kCells], sinv[kCells], scratch[kThreads];
  __shared__ int sarg[kCells], scratch_arg[kThreads];
  __shared__ float sp[kChunk][kCells];     // P chunk, k-major
  __shared__ float stm[kChunk][kTile];     // template chunk
  __shared__ float so[kCells][kTile + 1];  // output tile, padded against bank conflicts
  const int tid = threadIdx.x;
  const int64_t cell0 = (int64_t)blockIdx.x * kCells;
  softmax_stats(g, logits, nullptr, cell0, smax, sarg, sinv, scratch, scratch_arg);

  if (p_out)
    for (int idx = tid; idx < kCells * g.N; idx += kThreads) {
      const int m = idx % kCells;
      const int64_t k = idx / kCells, cell = cell0 + m;
      if (cell >= g.cells) continue;
      const int64_t off = cell_offset(g, cell) + k * g.hw;
      p_out[off] = __expf(g.beta * (logits[off] - smax[m])) * sinv[m];
    }

  const int tx = tid % 16, ty = tid / 16;  // 4 columns x 2 cells per thread
  for (int64_t q0 = 0; q0 < g.ct; q0 += kTile) {
    float acc[2][4] = {};
    for (int64_t k0 = 0; k0 < g.N; k0 += kChunk) {
      for (int idx = tid; idx < kChunk * kCells; idx += kThreads) {
        const int m = idx % kCells, kk = idx / kCells;
        const int64_t k = k0 + kk, cell = cell0 + m;
        sp[kk][m] = (k < g.N && cell < g.cells)
                        ? __expf(g.beta * (logits[cell_offset(g, cell) + k * g.hw] - smax[m])) * sinv[m]
                        : 0.0f;
      }
      for (int idx = tid; idx < kChunk * kTile; idx += kThreads) {
        const int qq = idx % kTile, kk = idx / kTile;
        const int64_t k = k0 + kk, q = q0 + qq;
        stm[kk][qq] = (k < g.N && q < g.ct) ? templates[k * g.ct + q] : 0.0f;
      }
      __syncthreads();
#pragma unroll 8
      for (int kk = 0; kk < kChunk; ++kk) {
        const float p0 = sp[kk][ty * 2], p1 = sp[kk][ty * 2 + 1];
        for (int c = 0; c < 4; ++c) {
          const float t = stm[kk][tx * 4 + c];
          acc[0][c] += p0 * t;
          acc[1][c] += p1 * t;
        }
      }
      __syncthreads();
    }
    for (int c = 0; c < 4; ++c) {
      so[ty * 2][tx * 4 + c] = acc[0][c];
      so[ty * 2 + 1][tx * 4 + c] = acc[1][c];
    }
    __syncthreads();
    const bool rows_align = (kTile % g.tw) == 0;
    for (int idx = tid; idx < kCells * kTile; idx += kThreads) {
      int m, qq;
      if (rows_align) {  // consecutive threads walk x, then cells: contiguous within a mosaic row
        const int x = idx % (int)g.tw;
        m = (idx / (int)g.tw) % kCells;
        qq = (idx / ((int)g.tw * kCells)) * (int)g.tw + x;
      } else {
        m = idx % kCells;
        qq = idx / kCells;
      }
      const int64_t cell = cell0 + m, q = q0 + qq;
      if (cell < g.cells && q < g.ct) out[pixel_offset(g, cell, q)] = so[m][qq];
    }
    __syncthreads();
  }
}

__global__ void mix_backward_kernel(float* __restrict__ grad_logits,
                                    const float* __restrict__ grad_out,
                                    const float* __restrict__ logits, const float* __restrict__ p,
                                    const float* __restrict__ templates, Geom g) {
  __shared__ float smax[kCells], sinv[kCells], scratch[kThreads], sga[kCells];
  __shared__ int sarg[kCells], scratch_arg[kThreads];
  __shared__ double sdot[kCells];
  __shared__ float sgc[kChunk][kCells];    // grad_out chunk: q-major
  __shared__ float stm[kChunk][kTile + 1]; // template chunk, transposed: q-major
  __shared__ float sg[kTile][kCells + 1];  // g tile: template-major
  const int tid = threadIdx.x;
  const int64_t cell0 = (int64_t)blockIdx.x * kCells;
  softmax_stats(g, logits, p, cell0, smax, sarg, sinv, scratch, scratch_arg);

  // 1. g_k = <grad_out cell, T_k>, parked in grad_logits.
  const int tx = tid % 16, ty = tid / 16;  // 4 templates x 2 cells per thread
  for (int64_t k0 = 0; k0 < g.N; k0 += kTile) {
    float acc[2][4] = {};
    for (int64_t q0 = 0; q0 < g.ct; q0 += kChunk) {
      for (int idx = tid; idx < kChunk * kCells; idx += kThreads) {
        const int m = idx % kCells, qq = idx / kCells;
        const int64_t cell = cell0 + m, q = q0 + qq;
        sgc[qq][m] = (cell < g.cells && q < g.ct) ? grad_out[pixel_offset(g, cell, q)] : 0.0f;
      }
      for (int idx = tid; idx < kChunk * kTile; idx += kThreads) {
        const int qq = idx % kChunk, kk = idx / kChunk;  // consecutive threads read along q
        const int64_t k = k0 + kk, q = q0 + qq;
        stm[qq][kk] = (k < g.N && q < g.ct) ? templates[k * g.ct + q] : 0.0f;
      }
      __syncthreads();
#pragma unroll 8
      for (int qq = 0; qq < kChunk; ++qq) {
        const float g0 = sgc[qq][ty * 2], g1 = sgc[qq][ty * 2 + 1];
        for (int c = 0; c < 4; ++c) {
          const float t = stm[qq][tx * 4 + c];
          acc[0][c] += g0 * t;
          acc[1][c] += g1 * t;
        }
      }
      __syncthreads();
    }
    for (int c = 0; c < 4; ++c) {
      sg[tx * 4 + c][ty * 2] = acc[0][c];
      sg[tx * 4 + c][ty * 2 + 1] = acc[1][c];
    }
    __syncthreads();
    for (int idx = tid; idx < kTile * kCells; idx += kThreads) {
      const int m = idx % kCells, kk = idx / kCells;
      const int64_t cell = cell0 + m, k = k0 + kk;
      if (cell < g.cells && k < g.N) grad_logits[cell_offset(g, cell) + k * g.hw] = sg[kk][m];
    }
    __syncthreads();
  }
  // 2. sum_m p_m (g_m - g_a), measured from the most likely template a (as the CPU version: the
  //    float p error then never multiplies the large g of the dominant template), in double.
  if (tid < kCells) {
    const int64_t cell = cell0 + tid;
    sga[tid] = cell < g.cells ? grad_logits[cell_offset(g, cell) + (int64_t)sarg[tid] * g.hw] : 0.0f;
    sdot[tid] = 0.0;
  }
  __syncthreads();
  {
    const int m = tid % kCells, lane = tid / kCells, lanes = kThreads / kCells;
    const int64_t cell = cell0 + m;
    double part = 0.0;
    if (cell < g.cells)
      for (int64_t k = lane; k < g.N; k += lanes) {
        const int64_t off = cell_offset(g, cell) + k * g.hw;
        part += (double)prob(g, logits, p, off, smax[m], sinv[m]) * ((double)grad_logits[off] - sga[m]);
      }
    atomicAdd(&sdot[m], part);
  }
  __syncthreads();
  // 3. grad_logits_k = beta p_k (g_k - g_a - sum).
  for (int idx = tid; idx < kCells * g.N; idx += kThreads) {
    const int m = idx % kCells;
    const int64_t k = idx / kCells, cell = cell0 + m;
    if (cell >= g.cells) continue;
    const int64_t off = cell_offset(g, cell) + k * g.hw;
    const float pk = prob(g, logits, p, off, smax[m], sinv[m]);
    grad_logits[off] = g.beta * pk * (float)((double)grad_logits[off] - sga[m] - sdot[m]);
  }
}

Geom geometry(int64_t B, int64_t N, int64_t h, int64_t w, int64_t C, int64_t th, int64_t tw, float beta) {
  return Geom{B * h * w, N, h * w, C, th, tw, w * tw, h * th, C * th * tw, beta};
}

unsigned blocks_for(int64_t cells) { return (unsigned)((cells + kCells - 1) / kCells); }

}  // namespace

extern "C" {

int tsr_mix_forward_cuda(float* out, float* p, const float* logits, const float* templates,
                         int64_t B, int64_t N, int64_t h, int64_t w, int64_t C, int64_t th,
                         int64_t tw, float beta, void* stream) {
  int rc = tsr::check_mix(out, logits, templates, B, N, h, w, C, th, tw, beta);
  if (rc != TSR_OK) return rc;
  const Geom g = geometry(B, N, h, w, C, th, tw, beta);
  if (g.cells == 0) return TSR_OK;
  TSR_LAUNCH(mix_forward_kernel, blocks_for(g.cells), kThreads, 0, (cudaStream_t)stream)(out, p, logits, templates, g);
  TSR_CUDA_CHECK_LAUNCH("mix_forward_kernel");
  return TSR_OK;
}

int tsr_mix_backward_cuda(float* grad_logits, const float* grad_out, const float* logits,
                          const float* p, const float* templates, int64_t B, int64_t N, int64_t h,
                          int64_t w, int64_t C, int64_t th, int64_t tw, float beta, void* stream) {
  int rc = tsr::check_mix(grad_logits, grad_out, templates, B, N, h, w, C, th, tw, beta);
  if (rc != TSR_OK) return rc;
  if (!logits && !p) return tsr::fail(TSR_E_ARG, "mix_backward_cuda: needs logits or p");
  const Geom g = geometry(B, N, h, w, C, th, tw, beta);
  if (g.cells == 0) return TSR_OK;
  TSR_LAUNCH(mix_backward_kernel, blocks_for(g.cells), kThreads, 0, (cudaStream_t)stream)(grad_logits, grad_out, logits, p, templates, g);
  TSR_CUDA_CHECK_LAUNCH("mix_backward_kernel");
  return TSR_OK;
}

}  // extern "C"
