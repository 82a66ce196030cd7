// Standalone single-thread timing of the CPU blur at the training size (B=6, 3x512x512, viewing blur).
// version 1 (kept in git history, commit 23c5e45): vertical axpy per tap into a row buffer, then a
//   horizontal pass per tap; 2 loads + 1 store per tap and pixel.
// version 2 (native/cpu/blur.cpp): the sum over taps stays in a register, one store per pixel, tap
//   count a template constant; 2.5x faster than version 1 (6.3 -> 2.5 ms forward, one thread).
// Build (from native/):
//   git show 23c5e45:native/cpu/blur.cpp | sed 's/tsr_blur_/old_blur_/' > /tmp/old_blur.cpp
//   g++ -O3 -march=x86-64-v3 -fopenmp -Iinclude -Icpu dev/blur_cpu_timing.cpp /tmp/old_blur.cpp \
//       cpu/blur.cpp cpu/library.cpp -o /tmp/blur_timing && /tmp/blur_timing
#include <chrono>
#include <cstdio>
#include <vector>
#include <cstdint>
#include "tessera.h"
extern "C" int old_blur_forward_cpu(float*, const float*, int64_t, int64_t, int64_t, const float*, int, int, int, int);
extern "C" int old_blur_backward_cpu(float*, const float*, int64_t, int64_t, int64_t, const float*, int, int, int, int);
template <class F> double best(F f) { double b = 1e9; for (int r = 0; r < 30; ++r) { auto t0 = std::chrono::steady_clock::now(); f(); double d = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); if (d < b) b = d; } return b * 1e3; }
int main() {
  const int64_t P = 18, H = 512, W = 512;
  std::vector<float> x(P * H * W, 1.0f), y(P * H * W), g(P*H*W, 1.0f);
  float taps[8] = {0.0822f, 0.1147f, 0.1432f, 0.16f, 0.16f, 0.1432f, 0.1147f, 0.0822f};
  tsr_set_num_threads(1);
  printf("fwd old %.2f ms new %.2f ms\n", best([&]{ old_blur_forward_cpu(y.data(), x.data(), P, H, W, taps, 8, 3, 4, 1); }), best([&]{ tsr_blur_forward_cpu(y.data(), x.data(), P, H, W, taps, 8, 3, 4, 1); }));
  printf("bwd old %.2f ms new %.2f ms\n", best([&]{ old_blur_backward_cpu(y.data(), g.data(), P, H, W, taps, 8, 3, 4, 1); }), best([&]{ tsr_blur_backward_cpu(y.data(), g.data(), P, H, W, taps, 8, 3, 4, 1); }));
}
