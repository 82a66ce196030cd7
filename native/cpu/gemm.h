// Vector helpers of the CPU kernels (GCC vector extensions): the register-blocked micro-kernel of
// the nearest-template search (a 4-row by 16-column tile of C = A^T B in eight 8-float
// accumulators, AVX2 under -march=x86-64-v3, so each B value loaded serves 4 rows and each A value
// 16 columns), the vector exp of the mix's softmax, and the run-time AVX-512 check that the mix's
// wider builds dispatch on (the mix's own tiles are in mix.cpp).
#pragma once

#include <cstdint>
#include <cstdlib>

namespace tsr {

typedef float v8 __attribute__((vector_size(32), aligned(4)));  // 8 floats, unaligned access allowed

constexpr int64_t kCols = 16;  // micro-kernel columns: two v8

inline int64_t round_up(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

inline v8 load8(const float* p) { return *reinterpret_cast<const v8*>(p); }
inline void store8(float* p, v8 v) { *reinterpret_cast<v8*>(p) = v; }
inline v8 splat8(float x) { return v8{x, x, x, x, x, x, x, x}; }

// C[m][0..cols) = sum_k A[k][m] * B[k][0..cols) for m in 0..4, where A is K x lda (row-minor:
// the 4 rows of one k are adjacent) and B is K x ldb; cols is a multiple of 16. C is 4 x ldc.
// With accumulate, C += instead (for splitting a long K into cache-sized chunks).
inline void micro_4xN(float* C, int64_t ldc, const float* A, int64_t lda, const float* B,
                      int64_t ldb, int64_t K, int64_t cols, bool accumulate = false) {
  for (int64_t q = 0; q < cols; q += kCols) {
    v8 c00 = splat8(0), c01 = splat8(0), c10 = splat8(0), c11 = splat8(0);
    v8 c20 = splat8(0), c21 = splat8(0), c30 = splat8(0), c31 = splat8(0);
    if (accumulate) {
      c00 = load8(C + q); c01 = load8(C + q + 8);
      c10 = load8(C + ldc + q); c11 = load8(C + ldc + q + 8);
      c20 = load8(C + 2 * ldc + q); c21 = load8(C + 2 * ldc + q + 8);
      c30 = load8(C + 3 * ldc + q); c31 = load8(C + 3 * ldc + q + 8);
    }
    const float* a = A;
    const float* b = B + q;
    for (int64_t k = 0; k < K; ++k, a += lda, b += ldb) {
      const v8 b0 = load8(b), b1 = load8(b + 8);
      const v8 a0 = splat8(a[0]), a1 = splat8(a[1]), a2 = splat8(a[2]), a3 = splat8(a[3]);
      c00 += a0 * b0; c01 += a0 * b1;
      c10 += a1 * b0; c11 += a1 * b1;
      c20 += a2 * b0; c21 += a2 * b1;
      c30 += a3 * b0; c31 += a3 * b1;
    }
    store8(C + q, c00); store8(C + q + 8, c01);
    store8(C + ldc + q, c10); store8(C + ldc + q + 8, c11);
    store8(C + 2 * ldc + q, c20); store8(C + 2 * ldc + q + 8, c21);
    store8(C + 3 * ldc + q, c30); store8(C + 3 * ldc + q + 8, c31);
  }
}

}  // namespace tsr

namespace tsr {

// exp of a vector of floats in place (GCC does not vectorise std::exp without -ffast-math), for
// v8 (AVX2) or v16 (AVX-512; only from code built for it): Cody-Waite range reduction
// x = n ln2 + r, |r| <= ln2/2, the Cephes degree-6 polynomial for e^r, then 2^n through the exponent
// bits. Relative error within 2 ulp over the clamped range; inputs below -87.3 give ~1e-38 instead
// of 0 (harmless next to a softmax sum >= 1), above 88.7 give FLT_MAX-ish values. In place rather
// than returned: a function returning a 64-byte vector has a different ABI with and without AVX-512.
template <class V> __attribute__((always_inline)) inline void exp_inplace(V& x) {
  typedef int32_t VI __attribute__((vector_size(sizeof(V))));
  const V zero = {};
  x = x < -87.3f + zero ? -87.3f + zero : x;
  x = x > 88.7f + zero ? 88.7f + zero : x;
  V n = x * 1.44269504088896341f;
  n = __builtin_convertvector(__builtin_convertvector(n + (n < zero ? -0.5f + zero : 0.5f + zero), VI), V);
  V r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  V p = 1.9875691500e-4f + zero;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const VI bits = (__builtin_convertvector(n, VI) + 127) << 23;
  V scale;
  __builtin_memcpy(&scale, &bits, sizeof scale);
  x = p * scale;
}

}  // namespace tsr

namespace tsr {

typedef float v16 __attribute__((vector_size(64), aligned(4)));  // 16 floats: one AVX-512 register

// Whether the AVX-512 builds of the kernels may run here (the library itself targets x86-64-v3).
// TESSERA_NO_AVX512=1 in the environment forces the AVX2 builds, so that a machine with AVX-512
// can test them too (Maven runs the op tests a second time that way).
inline bool cpu_has_avx512() {
  static const bool yes = [] {
    const char* off = std::getenv("TESSERA_NO_AVX512");
    return __builtin_cpu_supports("avx512f") && !(off && off[0] == '1');
  }();
  return yes;
}

}  // namespace tsr
