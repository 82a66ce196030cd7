/*
 * This machine's floors for the ops' "fraction of floor" figures (bench/RESULTS.md):
 *   copy bandwidth: memcpy of a large buffer by every thread, each its own slice; reported as
 *     bytes read + bytes written per second, the same count the ops' byte floors use;
 *   FMA peak: a register-blocked loop of independent FMAs (12 accumulators hide the 4-cycle
 *     latency on two FMA ports), AVX2 (256-bit, what libtessera is compiled for: x86-64-v3) and
 *     AVX-512 where the CPU has it, every thread; 2 FLOPs per lane per FMA.
 * Best of several repetitions: a floor is what the machine can do, not what it did while busy.
 *
 * Build and run: bench/floors/run  (gcc -O3 -march=native -fopenmp floors.c -o floors)
 */
#include <immintrin.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* Bytes moved per second (read + write) by a parallel memcpy of `bytes` bytes. */
static double copy_bandwidth(size_t bytes, int reps) {
  char* src = aligned_alloc(4096, bytes);
  char* dst = aligned_alloc(4096, bytes);
  if (!src || !dst) { fprintf(stderr, "floors: cannot allocate 2 x %zu bytes\n", bytes); exit(1); }
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < bytes; i += 4096) { src[i] = (char)i; dst[i] = 0; }  /* fault pages in */
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    double t0 = now();
#pragma omp parallel
    {
      int n = omp_get_num_threads(), id = omp_get_thread_num();
      size_t chunk = (bytes / n) & ~(size_t)63, lo = id * chunk, len = id == n - 1 ? bytes - lo : chunk;
      memcpy(dst + lo, src + lo, len);
    }
    double t = now() - t0;
    if (t < best) best = t;
  }
  volatile char sink = dst[bytes / 2];
  (void)sink;
  free(src);
  free(dst);
  return 2.0 * bytes / best;
}

#define FMA_ITERS 5000000L

__attribute__((target("avx2,fma"))) static float fma_avx2(float seed) {
  __m256 a[12];
  const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < 12; ++i) a[i] = _mm256_set1_ps(seed + i);
  for (long it = 0; it < FMA_ITERS; ++it)
    for (int i = 0; i < 12; ++i) a[i] = _mm256_fmadd_ps(a[i], x, y);
  __m256 s = a[0];
  for (int i = 1; i < 12; ++i) s = _mm256_add_ps(s, a[i]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}

__attribute__((target("avx512f"))) static float fma_avx512(float seed) {
  __m512 a[12];
  const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
  for (int i = 0; i < 12; ++i) a[i] = _mm512_set1_ps(seed + i);
  for (long it = 0; it < FMA_ITERS; ++it)
    for (int i = 0; i < 12; ++i) a[i] = _mm512_fmadd_ps(a[i], x, y);
  __m512 s = a[0];
  for (int i = 1; i < 12; ++i) s = _mm512_add_ps(s, a[i]);
  return _mm512_reduce_add_ps(s);
}

/* GFLOP/s of every thread running the FMA loop at once (lanes floats per vector). */
static double fma_peak(float (*loop)(float), int lanes, int reps) {
  double best = 1e30;
  float sink = 0;
  for (int r = 0; r < reps; ++r) {
    double t0 = now();
#pragma omp parallel reduction(+ : sink)
    sink += loop((float)omp_get_thread_num());
    double t = now() - t0;
    if (t < best) best = t;
  }
  if (sink == 12345.678f) puts("");
  return 2.0 * lanes * 12 * FMA_ITERS * omp_get_max_threads() / best / 1e9;
}

int main(void) {
  int threads = omp_get_max_threads();
  printf("threads: %d\n", threads);
  printf("copy bandwidth, 1 GiB buffers (DRAM):    %6.1f GB/s (read + write)\n",
         copy_bandwidth((size_t)1 << 30, 10) / 1e9);
  printf("copy bandwidth, 32 MiB buffers (L3-sized, like the benchmark tensors): %6.1f GB/s (read + write)\n",
         copy_bandwidth((size_t)32 << 20, 50) / 1e9);
  printf("FMA peak, AVX2 (libtessera's x86-64-v3): %6.1f GFLOP/s\n", fma_peak(fma_avx2, 8, 20));
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    printf("FMA peak, AVX-512:                       %6.1f GFLOP/s\n", fma_peak(fma_avx512, 16, 20));
  else
    printf("FMA peak, AVX-512:                       n/a (no avx512f)\n");
  return 0;
}
