// Nearest templates for classic matching, CPU: for each query vector the L reference vectors with
// the smallest squared Euclidean distance (contract in tessera.h).
//
// d(q, r) = |q|^2 + |r|^2 - 2 q.r, with q.r from the shared register-blocked micro-kernel over
// blocks of 16 queries x 512 references, 128 dimensions at a time so long signatures (16x16
// sub-cells x 6 = 1,536 numbers) stay cache-resident (the transposed, zero-padded references are
// built once per call and read by every thread). Each distance is then offered to the query's sorted list of
// L best (insertion, strict <, so among equal distances the lower index wins). The expansion loses
// precision when |q| and |r| are large and close — irrelevant for ranking colour signatures, and
// distances are clamped at 0. Query blocks are split across threads.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "gemm.h"
#include "internal.h"

namespace {

constexpr int64_t kQueries = 16;  // queries per block (multiple of 4)
constexpr int64_t kRefs = 512;    // references per distance panel (multiple of 16)
constexpr int64_t kDepth = 128;   // feature dimensions per pass: a 128 x 512 panel of references (256 KB) stays in L2

struct Best {
  float* dist;
  int32_t* index;
  int64_t count = 0;

  void offer(float d, int32_t i, int64_t L) {
    if (count == L && !(d < dist[L - 1])) return;
    int64_t pos = count < L ? count++ : L - 1;
    while (pos > 0 && d < dist[pos - 1]) {
      dist[pos] = dist[pos - 1];
      index[pos] = index[pos - 1];
      --pos;
    }
    dist[pos] = d;
    index[pos] = i;
  }
};

// Distances of every query to every reference, a 16-query x 512-reference panel at a time: calls
// sink(query, first_ref, count, distances) for each panel row, on the thread that computed it.
template <typename Sink>
void distance_panels(const float* queries, int64_t M, const float* refs, int64_t N, int64_t D, Sink sink) {
  const int64_t n16 = tsr::round_up(N, tsr::kCols);
  std::vector<float> refs_t(D * n16, 0.0f), ref_norm(n16, std::numeric_limits<float>::infinity());
  for (int64_t r = 0; r < N; ++r) {
    double s = 0;
    for (int64_t k = 0; k < D; ++k) {
      const float v = refs[r * D + k];
      refs_t[k * n16 + r] = v;
      s += (double)v * v;
    }
    ref_norm[r] = (float)s;
  }
  const int64_t blocks = (M + kQueries - 1) / kQueries;
#pragma omp parallel num_threads(tsr::num_threads())
  {
    std::vector<float> qt(D * kQueries), dots(kQueries * kRefs), dist(kRefs);
    float qn[kQueries];
#pragma omp for schedule(dynamic, 4)
    for (int64_t blk = 0; blk < blocks; ++blk) {
      const int64_t q0 = blk * kQueries, n = std::min(kQueries, M - q0);
      std::fill(qt.begin(), qt.end(), 0.0f);
      for (int64_t m = 0; m < n; ++m) {
        double s = 0;
        for (int64_t k = 0; k < D; ++k) {
          const float v = queries[(q0 + m) * D + k];
          qt[k * kQueries + m] = v;
          s += (double)v * v;
        }
        qn[m] = (float)s;
      }
      for (int64_t r0 = 0; r0 < n16; r0 += kRefs) {
        const int64_t cols = std::min(kRefs, n16 - r0);
        for (int64_t d0 = 0; d0 < D; d0 += kDepth)
          for (int64_t m = 0; m < n; m += 4)
            tsr::micro_4xN(&dots[m * kRefs], kRefs, &qt[d0 * kQueries + m], kQueries, &refs_t[d0 * n16 + r0], n16,
                           std::min(kDepth, D - d0), cols, d0 > 0);
        const int64_t valid = std::min(cols, N - r0);
        for (int64_t m = 0; m < n; ++m) {
          const float* row = &dots[m * kRefs];
          for (int64_t j = 0; j < valid; ++j) dist[j] = std::max(0.0f, qn[m] + ref_norm[r0 + j] - 2.0f * row[j]);
          sink(q0 + m, r0, valid, dist.data());
        }
      }
    }
  }
}

int check_sizes(const char* op, int64_t M, int64_t N, int64_t D) {
  if (M < 0 || N < 1 || D < 1 || N > std::numeric_limits<int32_t>::max())
    return tsr::fail(TSR_E_ARG, "%s: bad size M=%lld N=%lld D=%lld", op, (long long)M, (long long)N, (long long)D);
  return TSR_OK;
}

}  // namespace

extern "C" {

int tsr_nearest_cpu(int32_t* index, float* distance, const float* queries, int64_t M,
                    const float* refs, int64_t N, int64_t D, int64_t L) {
  if (!index || !queries || !refs) return tsr::fail(TSR_E_ARG, "nearest: null pointer");
  int rc = check_sizes("nearest", M, N, D);
  if (rc != TSR_OK) return rc;
  if (L < 1 || L > N) return tsr::fail(TSR_E_ARG, "nearest: L=%lld must be in 1..N=%lld", (long long)L, (long long)N);
  // Distances are offered in increasing reference order per query, so each query's list is
  // filled by exactly one thread at a time (its block's).
  std::vector<float> own(distance ? 0 : M * L);
  float* best_dist = distance ? distance : own.data();
  std::vector<int64_t> count(M, 0);
  distance_panels(queries, M, refs, N, D, [&](int64_t q, int64_t r0, int64_t valid, const float* dist) {
    Best best{best_dist + q * L, index + q * L, count[q]};
    for (int64_t j = 0; j < valid; ++j) best.offer(dist[j], (int32_t)(r0 + j), L);
    count[q] = best.count;
  });
  return TSR_OK;
}

int tsr_distances_cpu(float* out, const float* queries, int64_t M, const float* refs, int64_t N, int64_t D) {
  if (!out || !queries || !refs) return tsr::fail(TSR_E_ARG, "distances: null pointer");
  int rc = check_sizes("distances", M, N, D);
  if (rc != TSR_OK) return rc;
  distance_panels(queries, M, refs, N, D, [&](int64_t q, int64_t r0, int64_t valid, const float* dist) {
    std::copy(dist, dist + valid, out + q * N + r0);
  });
  return TSR_OK;
}

}  // extern "C"
