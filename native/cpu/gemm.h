// The register-blocked micro-kernel shared by the CPU mix and nearest-template search: a 4-row by
// 16-column tile of C = A^T B kept in eight 8-float accumulators (GCC vector extensions, AVX2
// under -march=x86-64-v3), so each B value loaded serves 4 rows and each A value 16 columns.
#pragma once

#include <cstdint>

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

typedef int32_t v8i __attribute__((vector_size(32)));

// exp of 8 floats at once (GCC does not vectorise std::exp without -ffast-math): Cody-Waite range
// reduction x = n ln2 + r, |r| <= ln2/2, the Cephes degree-6 polynomial for e^r, then 2^n through
// the exponent bits. Relative error within 2 ulp over the clamped range; inputs below -87.3 give
// ~1e-38 instead of 0 (harmless next to a softmax sum >= 1), above 88.7 give FLT_MAX-ish values.
inline v8 exp8(v8 x) {
  const v8 hi = splat8(88.7f), lo = splat8(-87.3f);
  x = x < lo ? lo : x;
  x = x > hi ? hi : x;
  v8 n = x * splat8(1.44269504088896341f);
  n = __builtin_convertvector(__builtin_convertvector(n + (n < splat8(0.0f) ? splat8(-0.5f) : splat8(0.5f)), v8i), v8);
  v8 r = x - n * splat8(0.693359375f);
  r = r - n * splat8(-2.12194440e-4f);
  v8 p = splat8(1.9875691500e-4f);
  p = p * r + splat8(1.3981999507e-3f);
  p = p * r + splat8(8.3334519073e-3f);
  p = p * r + splat8(4.1665795894e-2f);
  p = p * r + splat8(1.6666665459e-1f);
  p = p * r + splat8(5.0000001201e-1f);
  p = p * r * r + r + splat8(1.0f);
  const v8i bits = (__builtin_convertvector(n, v8i) + 127) << 23;
  v8 scale;
  __builtin_memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace tsr

namespace tsr {

typedef float v16 __attribute__((vector_size(64), aligned(4)));  // 16 floats: one AVX-512 register

// The AVX-512 twin of micro_4xN: 4 rows x 32 columns in eight 16-float accumulators, twice the
// FMA width. Only call it where cpu_has_avx512() is true; cols must be a multiple of 32.
__attribute__((target("avx512f"))) inline void micro_4xN_512(float* C, int64_t ldc, const float* A, int64_t lda,
                                                             const float* B, int64_t ldb, int64_t K, int64_t cols,
                                                             bool accumulate = false) {
  for (int64_t q = 0; q < cols; q += 32) {
    v16 c00 = {}, c01 = {}, c10 = {}, c11 = {}, c20 = {}, c21 = {}, c30 = {}, c31 = {};
    if (accumulate) {
      __builtin_memcpy(&c00, C + q, 64); __builtin_memcpy(&c01, C + q + 16, 64);
      __builtin_memcpy(&c10, C + ldc + q, 64); __builtin_memcpy(&c11, C + ldc + q + 16, 64);
      __builtin_memcpy(&c20, C + 2 * ldc + q, 64); __builtin_memcpy(&c21, C + 2 * ldc + q + 16, 64);
      __builtin_memcpy(&c30, C + 3 * ldc + q, 64); __builtin_memcpy(&c31, C + 3 * ldc + q + 16, 64);
    }
    const float* a = A;
    const float* b = B + q;
    for (int64_t k = 0; k < K; ++k, a += lda, b += ldb) {
      v16 b0, b1;
      __builtin_memcpy(&b0, b, 64);
      __builtin_memcpy(&b1, b + 16, 64);
      const v16 a0 = v16{} + a[0], a1 = v16{} + a[1], a2 = v16{} + a[2], a3 = v16{} + a[3];
      c00 += a0 * b0; c01 += a0 * b1;
      c10 += a1 * b0; c11 += a1 * b1;
      c20 += a2 * b0; c21 += a2 * b1;
      c30 += a3 * b0; c31 += a3 * b1;
    }
    __builtin_memcpy(C + q, &c00, 64); __builtin_memcpy(C + q + 16, &c01, 64);
    __builtin_memcpy(C + ldc + q, &c10, 64); __builtin_memcpy(C + ldc + q + 16, &c11, 64);
    __builtin_memcpy(C + 2 * ldc + q, &c20, 64); __builtin_memcpy(C + 2 * ldc + q + 16, &c21, 64);
    __builtin_memcpy(C + 3 * ldc + q, &c30, 64); __builtin_memcpy(C + 3 * ldc + q + 16, &c31, 64);
  }
}

inline bool cpu_has_avx512() {
  static const bool yes = __builtin_cpu_supports("avx512f");
  return yes;
}

}  // namespace tsr
