// Fused tempered softmax + template mix, CPU: mix_forward / mix_backward (contract in tessera.h).
//
// Work is split into blocks of up to kCells = 64 horizontally adjacent cells of one grid row (at
// the method's 64x64 grid, one block per grid row), handed to the threads in runs of adjacent
// blocks (BlockSequence). Both directions are GEMMs over the block's cells, run as register tiles
// of MR cells x NV vectors of columns whose MR*NV accumulators stay in registers for the whole
// reduction:
//   forward:  O (cells x CT, CT = C*th*tw) = P (softmax of beta*logits, max-subtracted) times T;
//             A = P (one broadcast per cell and template), B = T zero-padded to whole vectors;
//             with 8-pixel-wide templates each vector of O is one or two pixel rows of a cell, so
//             the tiles store straight into the NCHW mosaic (no staging buffer).
//   backward: G (cells x N) = grad_out cells times T^T, with A read in place: for grid row i the
//             image row grad_out[b, c, i*th + y, :] already holds the cells' tw pixels side by side,
//             so cell r's pixel x is row[r*tw + x] and nothing is gathered; B = T^T padded to whole
//             vectors of templates, reduced in passes of a few pixel rows so that the slice of T^T
//             in use (<= 24 KB) stays in L1 across the block's tiles. G is transposed in 8x8
//             register blocks to P's [k][cell] layout, and grad_logits_k =
//             beta * p_k * (g_k - sum_m p_m g_m) runs a vector of cells at a time (measured from
//             the most likely template, in double: see grad_logits_block_256).
// The tiles are written once over the vector type and built twice: AVX-512 (6 cells x 4 zmm = 24
// accumulators; per reduction step 4 template loads and 6 vbroadcastss feed 24 FMAs) and AVX2
// (4 x 2 ymm), picked at run time by cpu_has_avx512(), since the library itself targets x86-64-v3
// to run anywhere. Checked in `objdump -d`: the inner loops are register-to-register vfmadd231ps
// zmm, each fed by one vbroadcastss from memory, with no accumulator on the stack (taking an
// accumulator's address, or a 4 x 3 ymm tile, made GCC keep them in memory). Scratch buffers are
// 64-byte aligned so vector loads never split cache lines, and while one block computes, the rows
// of the thread's next blocks (logits/p, grad_logits, grad_out, mosaic) are prefetched into L2 —
// short rows a plane apart, which the hardware prefetchers do not follow — after one load per
// 4 KB page of the grad_out and mosaic rows has brought the page's translation into the TLB
// (RowSet::touch_pages); the backward's grad_logits rows of one block are written out during the
// next block's product (PendingRows). Sizes are general (any C, th, tw, N, w): partial tiles and
// blocks get their own instances, columns are zero-padded.
// Outputs (mosaic, p, grad_logits) are OVERWRITTEN, never accumulated.
// GCC 12's AVX-512 headers make their "undefined" vectors by self-initialisation, which -Wall
// reports as uninitialised wherever they are inlined (later GCC releases no longer do).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <new>
#include <vector>

#include "gemm.h"
#include "internal.h"

namespace {

using tsr::round_up;

constexpr int64_t kCells = 64;       // cells per chunk of a grid row (multiple of 8)
constexpr int64_t kTemplates = 128;  // forward: templates per pass; a 128 x 64 panel is 32 KB
constexpr int kGradOutAhead = 2;     // backward: how many blocks ahead grad_out rows are fetched

// Buffers on 64-byte boundaries: malloc gives 16, and a 64-byte vector load from an address that
// is not a multiple of 64 touches two cache lines, which halves what the tiles can load per cycle.
template <class T> struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <class U> CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64))); }
  void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t(64)); }
  template <class U> bool operator==(const CacheLineAllocator<U>&) const { return true; }
  template <class U> bool operator!=(const CacheLineAllocator<U>&) const { return false; }
};
using Floats = std::vector<float, CacheLineAllocator<float>>;

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
  // Offset of pixel row r = c*th + y of this block's first cell in the B x C x H x W mosaic.
  int64_t pixel_row(const Geometry& g, int64_t r) const {
    const int64_t c = r / g.th, y = r % g.th;
    return ((b * g.C + c) * g.H() + i * g.th + y) * g.W() + j0 * g.tw;
  }
};

// The blocks one thread computes, in order: runs of consecutive blocks claimed from a shared
// counter, long at first and shorter towards the end (guided: a run is 1/(2T) of what is left,
// at least 4 blocks), so that a thread slowed by other load takes fewer, and claimed ahead of
// need, so that the thread knows the blocks it computes next: those are the rows it prefetches.
// With OpenMP's dynamic schedule a thread does not know its next chunk, and the block after a
// chunk's last is another thread's; and long runs of adjacent grid rows reuse the pages (and the
// TLB entries) of the probability and grad_logits rows, 16 grid rows of 64 cells to a 4 KB page.
class BlockSequence {
 public:
  BlockSequence(std::atomic<int64_t>& counter, int64_t total, int threads)
      : counter_(counter), total_(total), share_(2 * std::max(threads, 1)) {}
  // The thread's i-th block from now (0: the current one), or -1 past the end.
  int64_t peek(int i) {
    for (;;) {
      int64_t skip = i;
      for (int r = 0; r < runs_; ++r) {
        if (skip < run_[r].end - run_[r].begin) return run_[r].begin + skip;
        skip -= run_[r].end - run_[r].begin;
      }
      if (done_ || runs_ == kRuns) return -1;
      claim();
    }
  }
  void pop() {
    if (++run_[0].begin == run_[0].end) {
      for (int r = 1; r < runs_; ++r) run_[r - 1] = run_[r];
      --runs_;
    }
  }

 private:
  static constexpr int64_t kMinRun = 4;
  static constexpr int kRuns = 4;
  void claim() {
    int64_t first = counter_.load(std::memory_order_relaxed), last;
    do {
      if (first >= total_) {
        done_ = true;
        return;
      }
      last = std::min(total_, first + std::max(kMinRun, (total_ - first) / share_));
    } while (!counter_.compare_exchange_weak(first, last, std::memory_order_relaxed));
    run_[runs_++] = {first, last};
  }
  struct Run {
    int64_t begin, end;
  };
  std::atomic<int64_t>& counter_;
  const int64_t total_, share_;
  Run run_[kRuns];
  int runs_ = 0;
  bool done_ = false;
};

// P[k][m] (N x kCells) = softmax over k of beta * logits for a full block (kCells cells), a vector
// of cells at a time.
template <class V>
__attribute__((always_inline)) inline void softmax_full(float* P, const float* src, int64_t N, int64_t hw, float beta) {
  constexpr int64_t L = sizeof(V) / sizeof(float), NV = kCells / L;
  V mx[NV], sum[NV], a;
  for (int v = 0; v < NV; ++v) mx[v] = -INFINITY - V{}, sum[v] = V{};
  for (int64_t k = 0; k < N; ++k)
    for (int v = 0; v < NV; ++v) {
      __builtin_memcpy(&a, src + k * hw + v * L, sizeof a);
      mx[v] = a > mx[v] ? a : mx[v];
    }
  for (int64_t k = 0; k < N; ++k)
    for (int v = 0; v < NV; ++v) {
      // beta * (l - max) <= 0: the largest term is exactly 1, the sum is >= 1.
      __builtin_memcpy(&a, src + k * hw + v * L, sizeof a);
      a = beta * (a - mx[v]);
      tsr::exp_inplace(a);
      __builtin_memcpy(P + k * kCells + v * L, &a, sizeof a);
      sum[v] += a;
    }
  for (int v = 0; v < NV; ++v) sum[v] = 1.0f / sum[v];
  for (int64_t k = 0; k < N; ++k)
    for (int v = 0; v < NV; ++v) {
      __builtin_memcpy(&a, P + k * kCells + v * L, sizeof a);
      a *= sum[v];
      __builtin_memcpy(P + k * kCells + v * L, &a, sizeof a);
    }
}

__attribute__((target("avx512f"))) void softmax_full_512(float* P, const float* src, int64_t N, int64_t hw, float beta) {
  softmax_full<tsr::v16>(P, src, N, hw, beta);
}
void softmax_full_256(float* P, const float* src, int64_t N, int64_t hw, float beta) {
  softmax_full<tsr::v8>(P, src, N, hw, beta);
}

// P[k][m] (N x kCells) = softmax over k of beta * logits for the block's cells; pad cells get 0.
// A full block runs a vector of cells at a time; a row's last, partial block runs cell by cell
// (its vector loads would read past the row).
void softmax_block(float* P, const float* logits, const Geometry& g, const Block& blk, float beta) {
  const float* src = logits + blk.cell_offset(g);
  if (blk.n == kCells) {
    if (tsr::cpu_has_avx512()) softmax_full_512(P, src, g.N, g.hw(), beta);
    else softmax_full_256(P, src, g.N, g.hw(), beta);
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

// Rows that the next block will read or write, prefetched into L2 (prefetcht1) a slice at a time
// while this block computes: its N probability or logit rows and N grad_logits rows (short rows a
// plane apart, a pattern the hardware prefetchers do not follow) and its C*th mosaic rows. Each
// would otherwise be a stall on memory when the block starts; a write miss too, since a line is
// read before it is written. L2 rather than L1: the products stream more than L1 holds.
struct RowSet {
  const float* base = nullptr;
  int64_t count = 0, group = 1, inner = 0, outer = 0, floats = 0;  // row r: base + (r/group)*outer + (r%group)*inner
  int write = 0;
  // Software prefetches of a page whose translation is not in the TLB do nothing here (measured:
  // taking them all out changed nothing), and each 4 KB page of grad_out is new to its block. One
  // load per page (its first line, needed anyway) walks the page table early, so that the
  // prefetches that follow it land: 4.8 -> 4.3 ms single-threaded at N = 62, most of what huge
  // pages gave (4.2). Volatile: a load the compiler keeps though nothing uses its value.
  void touch_pages() const {
    for (int64_t r = 0; r < count; ++r) {
      const float* row = base + (r / group) * outer + (r % group) * inner;
      for (int64_t o = 0; o < floats; o += 4096 / sizeof(float)) (void)*static_cast<const volatile float*>(row + o);
    }
  }
  void part(int64_t i, int64_t parts) const {
    if (!base) return;
    for (int64_t r = count * i / parts; r < count * (i + 1) / parts; ++r) {
      const float* row = base + (r / group) * outer + (r % group) * inner;
      for (int64_t o = 0; o < floats; o += 64 / sizeof(float))
        write ? __builtin_prefetch(row + o, 1, 2) : __builtin_prefetch(row + o, 0, 2);
    }
  }
};

// A block's finished grad_logits rows (N rows of kCells, in a per-thread buffer), written out to
// their places in the B x N x h x w tensor a slice at a time during the next block's product:
// stored in one burst after it, the N strided rows fill the store buffer and stall the core (the
// burst was ~0.45 of the N = 62 backward's 2.6 ms); spread over the product's FMA-bound tiles,
// they drain beside them.
struct PendingRows {
  const float* buf = nullptr;
  float* dst = nullptr;
  int64_t hw = 0, n = 0, rows = 0, done = 0;
  void start(const float* from, float* to, int64_t plane, int64_t cells, int64_t count) {
    buf = from, dst = to, hw = plane, n = cells, rows = count, done = 0;
  }
  void part(int64_t i, int64_t parts) {
    if (!dst) return;
    for (const int64_t end = rows * (i + 1) / parts; done < end; ++done)
      std::memcpy(dst + done * hw, buf + done * kCells, n * sizeof(float));
  }
  void finish() {
    if (dst) part(0, 1);
    dst = nullptr;
  }
};

struct RowPrefetch {
  RowSet sets[3];
  PendingRows* pending = nullptr;
  void part(int64_t i, int64_t parts) const {
    for (const RowSet& set : sets) set.part(i, parts);
    if (pending) pending->part(i, parts);
  }
};

// The next block's rows of a B x N x h x w tensor, and of the mosaic.
RowSet cell_rows(const float* t, const Geometry& g, const Block& next, int write) {
  return RowSet{t + next.cell_offset(g), g.N, g.N, g.hw(), 0, next.n, write};
}
RowSet pixel_rows(const float* image, const Geometry& g, const Block& next, int write) {
  return RowSet{image + next.pixel_row(g, 0), g.C * g.th, g.th, g.W(), g.H() * g.W(), next.n * g.tw, write};
}

// Gt[k][m] = Gm[m][k] for k < round_up(N, 8), all kCells cells, in 8 x 8 register transposes.
void transpose_block(float* Gt, const float* Gm, int64_t ldm, int64_t N) {
  using tsr::v8;
  typedef int32_t m8 __attribute__((vector_size(32)));
  for (int64_t k = 0; k < N; k += 8)
    for (int64_t m = 0; m < kCells; m += 8) {
      v8 r[8], t[8], u[8];
      for (int i = 0; i < 8; ++i) r[i] = tsr::load8(Gm + (m + i) * ldm + k);
      for (int i = 0; i < 8; i += 2) {
        t[i] = __builtin_shuffle(r[i], r[i + 1], m8{0, 8, 1, 9, 4, 12, 5, 13});
        t[i + 1] = __builtin_shuffle(r[i], r[i + 1], m8{2, 10, 3, 11, 6, 14, 7, 15});
      }
      for (int i = 0; i < 8; i += 4)
        for (int j = 0; j < 2; ++j) {
          u[i + 2 * j] = __builtin_shuffle(t[i + j], t[i + j + 2], m8{0, 1, 8, 9, 4, 5, 12, 13});
          u[i + 2 * j + 1] = __builtin_shuffle(t[i + j], t[i + j + 2], m8{2, 3, 10, 11, 6, 7, 14, 15});
        }
      // u[0..3] hold columns 0..3 of rows 0..3 (low half) and columns 4..7 (high half); u[4..7] rows 4..7.
      for (int j = 0; j < 4; ++j) {
        tsr::store8(Gt + (k + j) * kCells + m, __builtin_shuffle(u[j], u[j + 4], m8{0, 1, 2, 3, 8, 9, 10, 11}));
        tsr::store8(Gt + (k + j + 4) * kCells + m, __builtin_shuffle(u[j], u[j + 4], m8{4, 5, 6, 7, 12, 13, 14, 15}));
      }
    }
}

// ---- register-tiled products -------------------------------------------------------------------
// Written once over the vector type V (v8: AVX2, v16: AVX-512) and instantiated in two functions
// compiled for each instruction set; the CPU picks one at run time (cpu_has_avx512). A tile is MR
// cells x NV vectors of columns, MR*NV accumulators held in registers for the whole reduction.

template <class V> constexpr int64_t kLanes = sizeof(V) / sizeof(float);



// Backward tile: G[r][v*L ..] = sum over pixel rows s and x of rows[s][r*tw + x] * Tt[s*tw + x][v*L ..]
// for the MR cells whose first pixel of each row is rows[s] (+ r*tw): the grad_out image rows are
// the GEMM's A operand as they lie (each cell's tw pixels adjacent), so nothing is gathered.
// TW > 0 fixes tw at compile time (8, the method's templates: the x loop unrolls); 0 takes tw.
// With accumulate, G += instead (the reduction split into passes over a few pixel rows each).
template <class V, int MR, int NV, int TW>
__attribute__((always_inline)) inline void grad_tile(float* G, int64_t ldg, const float* const* rows, int64_t offset,
                                                     int64_t nrows, int64_t tw_, const float* Tt, int64_t ldt,
                                                     bool accumulate) {
  constexpr int64_t L = kLanes<V>;
  const int64_t tw = TW > 0 ? TW : tw_;
  V acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) {
      acc[r][v] = V{};
      if (accumulate) __builtin_memcpy(&acc[r][v], G + r * ldg + v * L, sizeof(V));
    }
  const float* t = Tt;
  for (int64_t s = 0; s < nrows; ++s) {
    const float* a = rows[s] + offset;
    // The next tile's pixels of this row: grad_out streams from memory once, and a miss per row
    // and tile would otherwise stall the FMAs (prefetches past the row's end are harmless).
    for (int64_t o = 0; o < MR * tw; o += 64 / sizeof(float)) __builtin_prefetch(a + MR * tw + o);
    for (int64_t x = 0; x < tw; ++x, t += ldt) {
      V b[NV];
      for (int v = 0; v < NV; ++v) __builtin_memcpy(&b[v], t + v * L, sizeof(V));
      for (int r = 0; r < MR; ++r) {
        // x - 0 is x for every x (x + 0 is not, for -0), so this is a bare vbroadcastss from memory.
        const V ar = a[r * tw + x] - V{};
        for (int v = 0; v < NV; ++v) acc[r][v] += ar * b[v];
      }
    }
  }
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) __builtin_memcpy(G + r * ldg + v * L, &acc[r][v], sizeof(V));
}

// Forward tile: O[r][v*L ..] (+)= sum_k P[k*ldp + r] * T[k*ldt + v*L ..]. With image (8-pixel-wide
// templates), the sums go straight to the mosaic instead of O: each 8 floats of a vector are one
// pixel row of cell r, image[row] + col + r*8, so the stores spread over the product rather than
// stalling in one burst at the end of the block.
template <class V, int MR, int NV>
__attribute__((always_inline)) inline void mix_tile(float* O, int64_t ldo, const float* P, int64_t ldp, const float* T,
                                                    int64_t ldt, int64_t K, bool accumulate, float* const* image,
                                                    int64_t col) {
  constexpr int64_t L = kLanes<V>;
  V acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) {
      acc[r][v] = V{};
      if (accumulate) __builtin_memcpy(&acc[r][v], O + r * ldo + v * L, sizeof(V));
    }
  for (int64_t k = 0; k < K; ++k, P += ldp, T += ldt) {
    V b[NV];
    for (int v = 0; v < NV; ++v) __builtin_memcpy(&b[v], T + v * L, sizeof(V));
    for (int r = 0; r < MR; ++r) {
      const V ar = P[r] - V{};
      for (int v = 0; v < NV; ++v) acc[r][v] += ar * b[v];
    }
  }
  if (image) {
    for (int r = 0; r < MR; ++r)
      for (int v = 0; v < NV; ++v) {
        if constexpr (L == 16) {
          const tsr::v8 lo = __builtin_shufflevector(acc[r][v], acc[r][v], 0, 1, 2, 3, 4, 5, 6, 7);
          const tsr::v8 hi = __builtin_shufflevector(acc[r][v], acc[r][v], 8, 9, 10, 11, 12, 13, 14, 15);
          tsr::store8(image[2 * v] + col + r * 8, lo);
          tsr::store8(image[2 * v + 1] + col + r * 8, hi);
        } else {
          tsr::store8(image[v] + col + r * 8, acc[r][v]);  // by value: &acc would keep it in memory
        }
      }
    return;
  }
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) __builtin_memcpy(O + r * ldo + v * L, &acc[r][v], sizeof(V));
}

// Tile-size dispatch for the edges: mr <= MR cells, nv <= NV vectors, each a separate instance.
template <class V, int MR, int NV, int TW, class... A>
__attribute__((always_inline)) inline void grad_tile_edge(int mr, int nv, A... args) {
  if constexpr (MR > 1)
    if (mr < MR) return grad_tile_edge<V, MR - 1, NV, TW>(mr, nv, args...);
  if constexpr (NV > 1)
    if (nv < NV) return grad_tile_edge<V, MR, NV - 1, TW>(mr, nv, args...);
  grad_tile<V, MR, NV, TW>(args...);
}
template <class V, int MR, int NV, class... A>
__attribute__((always_inline)) inline void mix_tile_edge(int mr, int nv, A... args) {
  if constexpr (MR > 1)
    if (mr < MR) return mix_tile_edge<V, MR - 1, NV>(mr, nv, args...);
  if constexpr (NV > 1)
    if (nv < NV) return mix_tile_edge<V, MR, NV - 1>(mr, nv, args...);
  mix_tile<V, MR, NV>(args...);
}

// G[m][0..npad) for the block's n cells: cell tiles of MR inside column panels of NV vectors, and
// the reduction in passes over a few pixel rows, so that the slice of Tt a pass uses (rows*tw x
// NV*L floats, at most 24 KB; all of Tt's panel is 48 KB at 8x8 RGB and 64 columns) stays in L1
// for all the block's cells. Each pass reads its own grad_out rows, so nothing is read twice.
template <class V, int MR, int NV>
__attribute__((always_inline)) inline void grad_product(float* G, const float* const* rows, int64_t nrows, int64_t tw,
                                                        int64_t n, const float* Tt, int64_t npad, const RowPrefetch& next) {
  constexpr int64_t L = kLanes<V>;
  const int64_t pass_rows = std::max<int64_t>(1, (24 << 10) / (tw * NV * L * (int64_t)sizeof(float)));
  const int64_t tiles = (npad + NV * L - 1) / (NV * L) * ((nrows + pass_rows - 1) / pass_rows) * ((n + MR - 1) / MR);
  int64_t tile = 0;
  for (int64_t q = 0; q < npad; q += NV * L) {
    const int nv = (int)std::min<int64_t>(NV, (npad - q) / L);
    for (int64_t s = 0; s < nrows; s += pass_rows) {
      const int64_t ns = std::min(pass_rows, nrows - s);
      const float* t = Tt + s * tw * npad + q;
      for (int64_t m = 0; m < n; m += MR, ++tile) {
        const int mr = (int)std::min<int64_t>(MR, n - m);
        if (tw == 8)
          grad_tile_edge<V, MR, NV, 8>(mr, nv, G + m * npad + q, npad, rows + s, m * tw, ns, tw, t, npad, s > 0);
        else grad_tile_edge<V, MR, NV, 0>(mr, nv, G + m * npad + q, npad, rows + s, m * tw, ns, tw, t, npad, s > 0);
        next.part(tile, tiles);
      }
    }
  }
}

// O[m][0..ctpad) for the block's n cells, templates in passes of kTemplates (the panel stays in L1);
// with image (the block's C*th mosaic rows; only for tw = 8 and ct a multiple of L, so no vector
// holds padding), the last pass writes the mosaic directly.
template <class V, int MR, int NV>
__attribute__((always_inline)) inline void mix_product(float* O, const float* P, int64_t n, const float* T,
                                                       int64_t N, int64_t ctpad, float* const* image,
                                                       const RowPrefetch& next) {
  constexpr int64_t L = kLanes<V>;
  const int64_t tiles = (N + kTemplates - 1) / kTemplates * ((ctpad + NV * L - 1) / (NV * L)) * ((n + MR - 1) / MR);
  int64_t tile = 0;
  for (int64_t k0 = 0; k0 < N; k0 += kTemplates) {
    const int64_t kn = std::min(kTemplates, N - k0);
    for (int64_t q = 0; q < ctpad; q += NV * L) {
      const int nv = (int)std::min<int64_t>(NV, (ctpad - q) / L);
      for (int64_t m = 0; m < n; m += MR, ++tile) {
        float* const* rows = image && k0 + kn == N ? image + q / 8 : nullptr;
        mix_tile_edge<V, MR, NV>((int)std::min<int64_t>(MR, n - m), nv, O + m * ctpad + q, ctpad, P + k0 * kCells + m,
                                 kCells, T + k0 * ctpad + q, ctpad, kn, k0 > 0, rows, m * 8);
        next.part(tile, tiles);
      }
    }
  }
}

// AVX-512: 6 cells x 4 vectors = 24 zmm accumulators; per reduction step 4 template loads and 6
// broadcasts feed 24 FMAs. AVX2: 4 x 2 = 8 of its 16 ymm registers (4 x 3 left GCC too few for
// the operands, and it kept accumulators on the stack).
constexpr int kRows512 = 6, kVecs512 = 4, kRows256 = 4, kVecs256 = 2;

__attribute__((target("avx512f"))) void grad_product_512(float* G, const float* const* rows, int64_t nrows, int64_t tw,
                                                          int64_t n, const float* Tt, int64_t npad, const RowPrefetch& next) {
  grad_product<tsr::v16, kRows512, kVecs512>(G, rows, nrows, tw, n, Tt, npad, next);
}
void grad_product_256(float* G, const float* const* rows, int64_t nrows, int64_t tw, int64_t n, const float* Tt,
                      int64_t npad, const RowPrefetch& next) {
  grad_product<tsr::v8, kRows256, kVecs256>(G, rows, nrows, tw, n, Tt, npad, next);
}
__attribute__((target("avx512f"))) void mix_product_512(float* O, const float* P, int64_t n, const float* T, int64_t N,
                                                         int64_t ctpad, float* const* image, const RowPrefetch& next) {
  mix_product<tsr::v16, kRows512, kVecs512>(O, P, n, T, N, ctpad, image, next);
}
void mix_product_256(float* O, const float* P, int64_t n, const float* T, int64_t N, int64_t ctpad, float* const* image,
                     const RowPrefetch& next) {
  mix_product<tsr::v8, kRows256, kVecs256>(O, P, n, T, N, ctpad, image, next);
}

// grad_logits of one block into Out[k][m] (kCells wide; may be Gt itself) from its probabilities
// P[k * ldp + m] and template products Gt[k][m] (kCells wide), for all kCells cells (those past the
// block's n have p = 0 and are not copied out).
//   grad_k = beta * p_k * ((g_k - g_a) - sum_m p_m (g_m - g_a)),  a: the cell's most likely template.
// Equal to beta * p_k * (g_k - sum_m p_m g_m) in exact arithmetic (the p sum to 1), but float p
// carries a relative error of a few 1e-6 once beta * |logit| reaches tens, and in the plain form
// that error multiplies the large g of the dominant template (templates are 0..255) and nearly
// cancels against g_a: measured 2e-5 of the largest gradient at N=1000, beta=5. Offset by g_a, the
// dominant term is exactly 0.
// One pass over P and Gt finds a (the first of equals) and its g while it sums S0 = sum p_m and
// S1 = sum p_m g_m in double (each product of two floats is exact there), so that
// sum_m p_m (g_m - g_a) = S1 - g_a S0 comes out of one pass instead of two (the argmax first, then
// the offset sum); its cancellation costs ~1e-11 of |g|, far below float. A second pass writes the
// rows. A group of cells keeps its argmax, g_a and both sums in registers across all N.
//
// AVX2 (the library's baseline): 16 cells at a time, 2 ymm of floats and 4 + 4 of double sums.
void grad_logits_block_256(float* Out, const float* P, int64_t ldp, const float* Gt, int64_t N, float beta) {
  using tsr::v8;
  typedef double d4 __attribute__((vector_size(32)));
  typedef float f4 __attribute__((vector_size(16)));
  // The 4 floats at `at` in double (vcvtps2pd from memory).
  const auto wide = [](const float* at) {
    f4 f;
    __builtin_memcpy(&f, at, sizeof f);
    return __builtin_convertvector(f, d4);
  };
  constexpr int CV = 2;
  float ga[kCells], dot[kCells];
  for (int64_t m0 = 0; m0 < kCells; m0 += 8 * CV) {
    v8 best[CV], gbest[CV];
    d4 s0[2 * CV], s1[2 * CV];
    for (int c = 0; c < CV; ++c) {
      const float *p = P + m0 + 8 * c, *g = Gt + m0 + 8 * c;
      best[c] = tsr::load8(p);
      gbest[c] = tsr::load8(g);
      for (int h = 0; h < 2; ++h) s0[2 * c + h] = wide(p + 4 * h), s1[2 * c + h] = wide(p + 4 * h) * wide(g + 4 * h);
    }
    for (int64_t k = 1; k < N; ++k)
      for (int c = 0; c < CV; ++c) {
        const float *p = P + k * ldp + m0 + 8 * c, *g = Gt + k * kCells + m0 + 8 * c;
        const v8 pk = tsr::load8(p);
        const auto more = pk > best[c];
        gbest[c] = more ? tsr::load8(g) : gbest[c];
        best[c] = more ? pk : best[c];
        for (int h = 0; h < 2; ++h) s0[2 * c + h] += wide(p + 4 * h), s1[2 * c + h] += wide(p + 4 * h) * wide(g + 4 * h);
      }
    for (int c = 0; c < CV; ++c) {
      tsr::store8(ga + m0 + 8 * c, gbest[c]);
      for (int h = 0; h < 2; ++h) {
        const f4 d = __builtin_convertvector(s1[2 * c + h] - wide(ga + m0 + 8 * c + 4 * h) * s0[2 * c + h], f4);
        __builtin_memcpy(dot + m0 + 8 * c + 4 * h, &d, sizeof d);
      }
    }
  }
  for (int64_t k = 0; k < N; ++k)
    for (int64_t m = 0; m < kCells; ++m)
      Out[k * kCells + m] = beta * P[k * ldp + m] * ((Gt[k * kCells + m] - ga[m]) - dot[m]);
}

// AVX-512, picked at run time like the tiles: in intrinsics, since GCC lowers a generic-vector
// conversion of 8 floats to 8 doubles as two 4-wide ones and an insert. All kCells = 64 cells stay
// in registers at once (4 zmm each of argmax and g_a, 8 + 8 of double sums), so that the p rows,
// 16 KB apart and so sharing L1 sets that cannot hold them all, are read from L2 twice per block
// (this pass and the rows' pass) rather than once per group of cells and pass.
__attribute__((target("avx512f"))) void grad_logits_block_512(float* Out, const float* P, int64_t ldp, const float* Gt,
                                                              int64_t N, float beta) {
  constexpr int CV = kCells / 16;
  __m512 best[CV], ga[CV], dot[CV];
  __m512d s0[2 * CV], s1[2 * CV];
  for (int c = 0; c < CV; ++c) {
    const float *p = P + 16 * c, *g = Gt + 16 * c;
    best[c] = _mm512_loadu_ps(p);
    ga[c] = _mm512_loadu_ps(g);
    for (int h = 0; h < 2; ++h) {
      const __m512d ph = _mm512_cvtps_pd(_mm256_loadu_ps(p + 8 * h));
      s0[2 * c + h] = ph;
      s1[2 * c + h] = _mm512_mul_pd(ph, _mm512_cvtps_pd(_mm256_loadu_ps(g + 8 * h)));
    }
  }
  for (int64_t k = 1; k < N; ++k)
    for (int c = 0; c < CV; ++c) {
      const float *p = P + k * ldp + 16 * c, *g = Gt + k * kCells + 16 * c;
      const __m512 pk = _mm512_loadu_ps(p);
      const __mmask16 more = _mm512_cmp_ps_mask(pk, best[c], _CMP_GT_OQ);
      best[c] = _mm512_mask_mov_ps(best[c], more, pk);
      ga[c] = _mm512_mask_mov_ps(ga[c], more, _mm512_loadu_ps(g));
      for (int h = 0; h < 2; ++h) {
        const __m512d ph = _mm512_cvtps_pd(_mm256_loadu_ps(p + 8 * h));
        s0[2 * c + h] = _mm512_add_pd(s0[2 * c + h], ph);
        s1[2 * c + h] = _mm512_fmadd_pd(ph, _mm512_cvtps_pd(_mm256_loadu_ps(g + 8 * h)), s1[2 * c + h]);
      }
    }
  for (int c = 0; c < CV; ++c) {
    const __m512d gd = _mm512_castps_pd(ga[c]);
    const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(ga[c]));
    const __m512d hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(gd, 1)));
    const __m256 dlo = _mm512_cvtpd_ps(_mm512_fnmadd_pd(lo, s0[2 * c], s1[2 * c]));
    const __m256 dhi = _mm512_cvtpd_ps(_mm512_fnmadd_pd(hi, s0[2 * c + 1], s1[2 * c + 1]));
    dot[c] = _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castps_pd(_mm512_castps256_ps512(dlo)), _mm256_castps_pd(dhi), 1));
  }
  const __m512 b = _mm512_set1_ps(beta);
  for (int64_t k = 0; k < N; ++k)
    for (int c = 0; c < CV; ++c) {
      const __m512 pk = _mm512_loadu_ps(P + k * ldp + 16 * c);
      const __m512 d = _mm512_sub_ps(_mm512_sub_ps(_mm512_loadu_ps(Gt + k * kCells + 16 * c), ga[c]), dot[c]);
      _mm512_storeu_ps(Out + k * kCells + 16 * c, _mm512_mul_ps(_mm512_mul_ps(b, pk), d));
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
  const bool wide = tsr::cpu_has_avx512();
  // Columns padded to whole vectors, so the tiles never need a tail.
  const int64_t ct = g.ct(), ctpad = round_up(ct, wide ? 16 : 8), rows = C * th;
  const bool direct = tw == 8 && ct == ctpad;  // the tiles write the mosaic themselves
  Floats tpad(N * ctpad, 0.0f);
  for (int64_t k = 0; k < N; ++k) std::memcpy(&tpad[k * ctpad], templates + k * ct, ct * sizeof(float));

  std::atomic<int64_t> counter{0};
#pragma omp parallel num_threads(tsr::num_threads())
  {
    Floats P(N * kCells), O(kCells * ctpad);
    std::vector<float*> image(rows);
    BlockSequence blocks(counter, g.blocks(), omp_get_num_threads());
    for (int64_t index; (index = blocks.peek(0)) >= 0; blocks.pop()) {
      const Block blk(g, index);
      softmax_block(P.data(), logits, g, blk, beta);
      if (p) {
        float* dst = p + blk.cell_offset(g);
        for (int64_t k = 0; k < N; ++k) std::memcpy(dst + k * g.hw(), &P[k * kCells], blk.n * sizeof(float));
      }
      RowPrefetch next;
      if (const int64_t after = blocks.peek(1); after >= 0) {
        const Block following(g, after);
        next = RowPrefetch{{cell_rows(logits, g, following, 0), pixel_rows(out, g, following, 1),
                            p ? cell_rows(p, g, following, 1) : RowSet()}};
        next.sets[1].touch_pages();  // the mosaic rows' pages (see RowSet::touch_pages)
      }
      // Pixel (c, y, x) of cell m goes to row r = c*th + y of the block, column (j0 + m)*tw + x.
      for (int64_t r = 0; r < rows; ++r) image[r] = out + blk.pixel_row(g, r);
      float* const* to = direct ? image.data() : nullptr;
      if (wide) mix_product_512(O.data(), P.data(), blk.n, tpad.data(), N, ctpad, to, next);
      else mix_product_256(O.data(), P.data(), blk.n, tpad.data(), N, ctpad, to, next);
      if (direct) continue;
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t m = 0; m < blk.n; ++m)
          for (int64_t x = 0; x < tw; ++x) image[r][m * tw + x] = O[m * ctpad + r * tw + x];
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
  const bool wide = tsr::cpu_has_avx512();
  const int64_t ct = g.ct(), npad = round_up(N, wide ? 16 : 8), nrows = C * th;
  Floats tt(ct * npad, 0.0f);  // T^T, zero-padded to npad templates
  for (int64_t k = 0; k < N; ++k)
    for (int64_t q = 0; q < ct; ++q) tt[q * npad + k] = templates[k * ct + q];

  std::atomic<int64_t> counter{0};
#pragma omp parallel num_threads(tsr::num_threads())
  {
    Floats P(N * kCells), Gm(kCells * npad), Gt(round_up(N, 8) * kCells);
    std::vector<const float*> rows(nrows);
    PendingRows pending;
    BlockSequence blocks(counter, g.blocks(), omp_get_num_threads());
    for (int64_t index; (index = blocks.peek(0)) >= 0; blocks.pop()) {
      const Block blk(g, index);
      // Saved probabilities of a full block are read in place (rows hw apart); a partial block's
      // are copied and zero-padded, and logits go through the softmax, into P (rows kCells apart).
      const bool in_place = p && blk.n == kCells;
      if (!p) softmax_block(P.data(), logits, g, blk, beta);
      else if (!in_place) load_block(P.data(), p, g, blk);
      const float* probs = in_place ? p + blk.cell_offset(g) : P.data();
      const int64_t ldp = in_place ? g.hw() : kCells;
      for (int64_t r = 0; r < nrows; ++r) rows[r] = grad_out + blk.pixel_row(g, r);
      // Gm[m][k] = g_k of cell m, straight from the grad_out rows; then Gt[k][m], P's layout, so the
      // rest runs across cells.
      RowPrefetch next;
      if (const int64_t after = blocks.peek(1); after >= 0) {
        const Block following(g, after);
        // grad_out, the most bytes, two blocks ahead: measured 4% faster than one (2 threads).
        const int64_t later = blocks.peek(kGradOutAhead);
        next = RowPrefetch{{cell_rows(p ? p : logits, g, following, 0), cell_rows(grad_logits, g, following, 1),
                            pixel_rows(grad_out, g, later >= 0 ? Block(g, later) : following, 0)}};
        next.sets[2].touch_pages();
      }
      next.pending = &pending;  // the previous block's grad_logits rows go out during this product
      if (wide) grad_product_512(Gm.data(), rows.data(), nrows, tw, blk.n, tt.data(), npad, next);
      else grad_product_256(Gm.data(), rows.data(), nrows, tw, blk.n, tt.data(), npad, next);
      pending.finish();
      // Rows of Gm past the block's n cells hold zeros or an earlier block's values: finite, and
      // multiplied by their p = 0 below.
      transpose_block(Gt.data(), Gm.data(), npad, N);
      // All kCells rows, in place over Gt (each element is read before it is written; cells past n
      // have p = 0: finite, not copied out). Gt then waits for the next block's product to copy it
      // out, and is free again before that block's transpose: one buffer fewer in L2, which at
      // N = 1000 (Tt 774 KB, Gm and Gt 258 KB each, the next block's p rows 256 KB) is full.
      if (wide) grad_logits_block_512(Gt.data(), probs, ldp, Gt.data(), N, beta);
      else grad_logits_block_256(Gt.data(), probs, ldp, Gt.data(), N, beta);
      pending.start(Gt.data(), grad_logits + blk.cell_offset(g), g.hw(), blk.n, N);
    }
    pending.finish();  // the thread's last block
  }
  return TSR_OK;
}

}  // extern "C"
