// Standalone single-thread timing of the CPU mix (forward, backward) at the training sizes
// (B=6, 64x64 cells, 3x8x8 templates, N = 62 and 1000), in GFLOP/s of the template product.
// Build (from native/):
//   g++ -O3 -march=x86-64-v3 -fopenmp -Iinclude -Icpu dev/mix_cpu_timing.cpp cpu/mix.cpp \
//       cpu/library.cpp -o /tmp/mix_timing && /tmp/mix_timing
#include <chrono>
#include <cstdio>
#include <vector>
#include <cstdint>
#include "tessera.h"
template <class F> double best(F f) { double b = 1e9; for (int r = 0; r < 10; ++r) { auto t0 = std::chrono::steady_clock::now(); f(); double d = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); if (d < b) b = d; } return b * 1e3; }
int main() {
  for (int64_t N : {62, 1000}) {
    const int64_t B = 6, h = 64, w = 64, C = 3, th = 8, tw = 8;
    std::vector<float> logits(B * N * h * w), T(N * C * th * tw), out(B * C * h * th * w * tw), gl(B*N*h*w);
    for (size_t i = 0; i < logits.size(); ++i) logits[i] = (i * 7919 % 1000) / 1000.0f;
    for (size_t i = 0; i < T.size(); ++i) T[i] = (i * 104729 % 255);
    tsr_set_num_threads(1);
    double flops = 2.0 * B * h * w * N * C * th * tw;
    double f = best([&]{ tsr_mix_forward_cpu(out.data(), nullptr, logits.data(), T.data(), B, N, h, w, C, th, tw, 5.0f); });
    double b = best([&]{ tsr_mix_backward_cpu(gl.data(), out.data(), logits.data(), nullptr, T.data(), B, N, h, w, C, th, tw, 5.0f); });
    printf("N=%ld fwd %.2f ms (%.1f GFLOP/s) bwd %.2f ms (%.1f GFLOP/s)\n", (long)N, f, flops / f / 1e6, b, flops / b / 1e6);
  }
}
