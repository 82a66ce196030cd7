// Standalone check + timing of the CPU mix (forward, backward from p and from logits) at the
// training sizes (B=6, 64x64 cells, 3x8x8 templates, N = 62 and 1000), in GFLOP/s of the template
// product. First checks both directions against a plain double reference on awkward sizes (tail
// cells, odd template sizes, N not a multiple of the vector width), then times.
// Build and run (from native/; threads defaults to 1, timed in CPU time so other load counts less):
//   g++ -O3 -march=x86-64-v3 -fopenmp -Iinclude -Icpu dev/mix_cpu_timing.cpp cpu/mix.cpp cpu/library.cpp -o /tmp/mix_timing
//   /tmp/mix_timing [threads]
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "tessera.h"

namespace {

// Plain reference, double accumulation, same contract as the library.
void reference(std::vector<double>& out, std::vector<double>& p, std::vector<double>& gl, const std::vector<float>& logits,
               const std::vector<float>& T, const std::vector<float>& go, int64_t B, int64_t N, int64_t h, int64_t w,
               int64_t C, int64_t th, int64_t tw, float beta) {
  const int64_t H = h * th, W = w * tw, ct = C * th * tw;
  out.assign(B * C * H * W, 0.0);
  p.assign(B * N * h * w, 0.0);
  gl.assign(B * N * h * w, 0.0);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j) {
        auto at = [&](int64_t k) { return (b * N + k) * h * w + i * w + j; };
        double mx = -INFINITY, sum = 0.0;
        for (int64_t k = 0; k < N; ++k) mx = std::max(mx, (double)beta * logits[at(k)]);
        for (int64_t k = 0; k < N; ++k) sum += std::exp((double)beta * logits[at(k)] - mx);
        for (int64_t k = 0; k < N; ++k) p[at(k)] = std::exp((double)beta * logits[at(k)] - mx) / sum;
        std::vector<double> g(N, 0.0);
        for (int64_t c = 0; c < C; ++c)
          for (int64_t y = 0; y < th; ++y)
            for (int64_t x = 0; x < tw; ++x) {
              const int64_t pix = ((b * C + c) * H + i * th + y) * W + j * tw + x;
              for (int64_t k = 0; k < N; ++k) {
                const double t = T[k * ct + (c * th + y) * tw + x];
                out[pix] += p[at(k)] * t;
                g[k] += go[pix] * t;
              }
            }
        double gbar = 0.0;
        for (int64_t k = 0; k < N; ++k) gbar += p[at(k)] * g[k];
        for (int64_t k = 0; k < N; ++k) gl[at(k)] = beta * p[at(k)] * (g[k] - gbar);
      }
}

double max_abs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

template <class A, class R> double max_err(const A& a, const R& r) {
  double e = 0.0;
  for (size_t i = 0; i < a.size(); ++i) e = std::max(e, std::fabs((double)a[i] - r[i]));
  return e;
}

bool check(int64_t B, int64_t N, int64_t h, int64_t w, int64_t C, int64_t th, int64_t tw, float beta) {
  std::mt19937 rng(1234 + N + w);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> uni(0.0f, 255.0f);
  std::vector<float> logits(B * N * h * w), T(N * C * th * tw), go(B * C * h * th * w * tw);
  for (auto& v : logits) v = normal(rng);
  for (auto& v : T) v = uni(rng);
  for (auto& v : go) v = normal(rng);
  std::vector<double> out_r, p_r, gl_r;
  reference(out_r, p_r, gl_r, logits, T, go, B, N, h, w, C, th, tw, beta);
  std::vector<float> out(go.size(), NAN), p(logits.size(), NAN), gl(logits.size(), NAN), gl2(logits.size(), NAN);
  tsr_mix_forward_cpu(out.data(), p.data(), logits.data(), T.data(), B, N, h, w, C, th, tw, beta);
  tsr_mix_backward_cpu(gl.data(), go.data(), logits.data(), nullptr, T.data(), B, N, h, w, C, th, tw, beta);
  tsr_mix_backward_cpu(gl2.data(), go.data(), nullptr, p.data(), T.data(), B, N, h, w, C, th, tw, beta);
  const double eo = max_err(out, out_r) / max_abs(out_r), ep = max_err(p, p_r);
  const double eg = max_err(gl, gl_r) / std::max(max_abs(gl_r), 1.0), eg2 = max_err(gl2, gl_r) / std::max(max_abs(gl_r), 1.0);
  const bool ok = eo < 1e-5 && ep < 1e-5 && eg < 1e-5 && eg2 < 1e-5 && std::isfinite(eo + ep + eg + eg2);
  std::printf("check B%ld N%ld %ldx%ld cells %ldx%ldx%ld: out %.1e p %.1e grad %.1e grad(p) %.1e %s\n", (long)B, (long)N,
              (long)h, (long)w, (long)C, (long)th, (long)tw, eo, ep, eg, eg2, ok ? "ok" : "FAIL");
  return ok;
}

double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

// Best of 10 calls in ms. With one thread, CPU time rather than wall time: on a shared machine the
// wall clock also counts the time other processes hold the core.
template <class F> double best(F f, int threads) {
  double b = 1e9;
  for (int r = 0; r < 10; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    f();
    const double d = threads == 1 ? cpu_seconds() - c0
                                  : std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (d < b) b = d;
  }
  return b * 1e3;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  tsr_set_num_threads(threads);
  bool ok = true;
  ok &= check(1, 2, 1, 1, 3, 8, 8, 1.0f);
  ok &= check(2, 62, 3, 67, 3, 8, 8, 5.0f);
  ok &= check(3, 7, 2, 17, 3, 8, 8, 1.0f);
  ok &= check(1, 33, 5, 33, 3, 8, 8, 15.0f);
  ok &= check(1, 1000, 2, 70, 3, 8, 8, 5.0f);
  ok &= check(2, 5, 3, 4, 1, 3, 5, 2.0f);
  ok &= check(1, 70, 2, 130, 2, 5, 7, 3.0f);
  if (!ok) return 1;
  for (int64_t N : {62, 1000}) {
    const int64_t B = 6, h = 64, w = 64, C = 3, th = 8, tw = 8;
    std::vector<float> logits(B * N * h * w), T(N * C * th * tw), out(B * C * h * th * w * tw), gl(B * N * h * w),
        p(B * N * h * w);
    for (size_t i = 0; i < logits.size(); ++i) logits[i] = (i * 7919 % 1000) / 1000.0f;
    for (size_t i = 0; i < T.size(); ++i) T[i] = (i * 104729 % 255);
    const double flops = 2.0 * B * h * w * N * C * th * tw;
    const double f = best([&] { tsr_mix_forward_cpu(out.data(), p.data(), logits.data(), T.data(), B, N, h, w, C, th, tw, 5.0f); }, threads);
    const double bp = best([&] { tsr_mix_backward_cpu(gl.data(), out.data(), nullptr, p.data(), T.data(), B, N, h, w, C, th, tw, 5.0f); }, threads);
    const double bl = best([&] { tsr_mix_backward_cpu(gl.data(), out.data(), logits.data(), nullptr, T.data(), B, N, h, w, C, th, tw, 5.0f); }, threads);
    std::printf("%d thread(s) N=%ld fwd %.2f ms (%.1f GFLOP/s) bwd from p %.2f ms (%.1f GFLOP/s) bwd from logits %.2f ms\n",
                threads, (long)N, f, flops / f / 1e6, bp, flops / bp / 1e6, bl);
  }
}
