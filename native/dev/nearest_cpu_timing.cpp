// Standalone timing of tsr_nearest_cpu at classic-mode sizes (k=4 sub-cells -> D=48), all threads.
// Build (from native/):
//   g++ -O3 -march=x86-64-v3 -fopenmp -Iinclude -Icpu dev/nearest_cpu_timing.cpp cpu/nearest.cpp \
//       cpu/library.cpp -o /tmp/nearest_timing && /tmp/nearest_timing
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "tessera.h"

int main() {
  const int64_t sizes[][4] = {{4096, 1700, 1, 48}, {65536, 10000, 1, 48}, {4096, 1700, 64, 48}, {1024, 1700, 1, 1536}};
  for (auto& s : sizes) {
    const int64_t M = s[0], N = s[1], L = s[2], D = s[3];
    std::vector<float> q(M * D), r(N * D), dist(M * L);
    std::vector<int32_t> idx(M * L);
    for (size_t i = 0; i < q.size(); ++i) q[i] = (i * 7919 % 1000) / 1000.0f;
    for (size_t i = 0; i < r.size(); ++i) r[i] = (i * 104729 % 1000) / 1000.0f;
    auto t0 = std::chrono::steady_clock::now();
    tsr_nearest_cpu(idx.data(), dist.data(), q.data(), M, r.data(), N, D, L);
    double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("M=%lld N=%lld D=%lld L=%lld: %.3f s (%.1f GFLOP/s)\n", (long long)M, (long long)N,
                (long long)D, (long long)L, sec, 2.0 * M * N * D / sec / 1e9);
  }
}
