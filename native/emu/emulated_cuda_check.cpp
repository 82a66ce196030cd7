// Runs the CUDA kernels (native/cuda/*.cu, compiled for the CPU emulation in cuda_emulation.h)
// on the cases of the Java op tests (MixOpsTest, BlurOpsTest) and checks them against plain
// references in double, forward and backward, with fresh random inputs every run (the seed is
// printed; TESSERA_SEED replays one) and every output poisoned with NaN before each call. Exit
// status 0 when every case is within the Java tests' tolerances, 1 otherwise. Built with the
// library (CMake target `emulated_cuda_check`), run in every build by EmulatedCudaKernelsTest.
//
// This checks what the kernels compute — indexing, shared-memory staging, barriers, reductions,
// edge blocks — not how fast, nor the GPU's own float arithmetic (see cuda_emulation.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

#define tsr_mix_forward_cuda tsr_emulated_mix_forward
#define tsr_mix_backward_cuda tsr_emulated_mix_backward
#define tsr_blur_forward_cuda tsr_emulated_blur_forward
#define tsr_blur_backward_cuda tsr_emulated_blur_backward
#include "tessera.h"

namespace {

using Floats = std::vector<float>;
using Doubles = std::vector<double>;

std::mt19937_64 rng;

Floats normal(size_t n, double scale) {
  std::normal_distribution<double> d(0.0, scale);
  Floats v(n);
  for (float& x : v) x = (float)d(rng);
  return v;
}

Floats uniform(size_t n, double scale) {
  std::uniform_real_distribution<double> d(0.0, scale);
  Floats v(n);
  for (float& x : v) x = (float)d(rng);
  return v;
}

Floats poisoned(size_t n) { return Floats(n, std::numeric_limits<float>::quiet_NaN()); }

// max |a - r| / scale, NaN if any element of a is not finite.
double error(const Floats& a, const Doubles& r, double scale) {
  double e = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i])) return std::numeric_limits<double>::quiet_NaN();
    e = std::max(e, std::fabs(a[i] - r[i]));
  }
  return e / scale;
}

double max_abs(const Doubles& r) {
  double m = 0.0;
  for (double x : r) m = std::max(m, std::fabs(x));
  return std::max(m, std::numeric_limits<double>::min());
}

int failures = 0;

void report(const std::string& what, double err, double tolerance) {
  const bool ok = err <= tolerance;  // false for NaN
  if (!ok) ++failures;
  std::printf("%-58s %.2e (<= %.0e) %s\n", what.c_str(), err, tolerance, ok ? "ok" : "FAILED");
}

void check_call(int rc, const char* what) {
  if (rc != TSR_OK) {
    std::printf("%s returned %d: %s\n", what, rc, tsr_last_error());
    ++failures;
  }
}

// ---- mix ---------------------------------------------------------------------------------------

struct MixCase {
  int64_t B, N, h, w, C, th, tw;
  float beta;
  double logit_scale;
  std::string name() const {
    char s[160];
    std::snprintf(s, sizeof s, "B%lld N%lld %lldx%lld cells of %lldx%lldx%lld beta %g logits*%g", (long long)B,
                  (long long)N, (long long)h, (long long)w, (long long)C, (long long)th, (long long)tw, beta,
                  logit_scale);
    return s;
  }
};

// The mosaic, the probabilities and grad_logits in double; `scale` is MixOpsTest's backward
// scale: max over cells and templates of beta * p_k * (A_k + sum_m p_m A_m), A_k = <|grad_out cell|, |T_k|>.
struct MixReference {
  Doubles out, p, grad;
  double scale = 0.0;
};

MixReference mix_reference(const MixCase& c, const Floats& logits, const Floats& T, const Floats& go) {
  const int64_t hw = c.h * c.w, ct = c.C * c.th * c.tw, H = c.h * c.th, W = c.w * c.tw;
  MixReference r;
  r.out.assign(c.B * c.C * H * W, 0.0);
  r.p.assign(c.B * c.N * hw, 0.0);
  r.grad.assign(c.B * c.N * hw, 0.0);
  Doubles p(c.N), g(c.N), a(c.N);
  for (int64_t b = 0; b < c.B; ++b)
    for (int64_t cell = 0; cell < hw; ++cell) {
      const int64_t i = cell / c.w, j = cell % c.w;
      auto at = [&](int64_t k) { return (b * c.N + k) * hw + cell; };
      auto pixel = [&](int64_t q) {
        const int64_t ch = q / (c.th * c.tw), y = q / c.tw % c.th, x = q % c.tw;
        return ((b * c.C + ch) * H + i * c.th + y) * W + j * c.tw + x;
      };
      double mx = -INFINITY, sum = 0.0;
      for (int64_t k = 0; k < c.N; ++k) mx = std::max(mx, (double)logits[at(k)]);
      for (int64_t k = 0; k < c.N; ++k) sum += p[k] = std::exp((double)c.beta * (logits[at(k)] - mx));
      double dot = 0.0, mean_a = 0.0;
      for (int64_t k = 0; k < c.N; ++k) {
        p[k] /= sum;
        r.p[at(k)] = p[k];
        g[k] = a[k] = 0.0;
        for (int64_t q = 0; q < ct; ++q) {
          r.out[pixel(q)] += p[k] * T[k * ct + q];
          g[k] += (double)go[pixel(q)] * T[k * ct + q];
          a[k] += std::fabs((double)go[pixel(q)] * T[k * ct + q]);
        }
        dot += p[k] * g[k];
        mean_a += p[k] * a[k];
      }
      for (int64_t k = 0; k < c.N; ++k) {
        r.grad[at(k)] = c.beta * p[k] * (g[k] - dot);
        r.scale = std::max(r.scale, c.beta * p[k] * (a[k] + mean_a));
      }
    }
  return r;
}

void check_mix(const MixCase& c) {
  const int64_t ct = c.C * c.th * c.tw, mosaic = c.B * ct * c.h * c.w;
  const Floats logits = normal(c.B * c.N * c.h * c.w, c.logit_scale), T = uniform(c.N * ct, 255.0),
               go = normal(mosaic, 1.0);
  const MixReference r = mix_reference(c, logits, T, go);
  const std::string name = c.name();
  // MixOpsTest's tolerances: forward 1e-5 of max|reference|; backward 1e-6 of the rounding scale
  // (at least 1: with one-hot probabilities the exact gradient is ~0).
  const double backward_scale = std::max(r.scale, 1.0);

  Floats out = poisoned(mosaic), p = poisoned(c.B * c.N * c.h * c.w);
  check_call(tsr_emulated_mix_forward(out.data(), p.data(), logits.data(), T.data(), c.B, c.N, c.h, c.w, c.C, c.th,
                                      c.tw, c.beta, nullptr),
             "mix_forward");
  report(name + ": forward", error(out, r.out, max_abs(r.out)), 1e-5);
  report(name + ": p", error(p, r.p, max_abs(r.p)), 1e-5);
  Floats out2 = poisoned(mosaic);
  check_call(tsr_emulated_mix_forward(out2.data(), nullptr, logits.data(), T.data(), c.B, c.N, c.h, c.w, c.C, c.th,
                                      c.tw, c.beta, nullptr),
             "mix_forward");
  report(name + ": forward without p", error(out2, r.out, max_abs(r.out)), 1e-5);

  Floats grad = poisoned(c.B * c.N * c.h * c.w);
  check_call(tsr_emulated_mix_backward(grad.data(), go.data(), logits.data(), nullptr, T.data(), c.B, c.N, c.h, c.w,
                                       c.C, c.th, c.tw, c.beta, nullptr),
             "mix_backward");
  report(name + ": backward from logits", error(grad, r.grad, backward_scale), 1e-6);
  Floats grad_p = poisoned(c.B * c.N * c.h * c.w);
  check_call(tsr_emulated_mix_backward(grad_p.data(), go.data(), nullptr, p.data(), T.data(), c.B, c.N, c.h, c.w,
                                       c.C, c.th, c.tw, c.beta, nullptr),
             "mix_backward");
  report(name + ": backward from p", error(grad_p, r.grad, backward_scale), 1e-6);
}

// ---- blur --------------------------------------------------------------------------------------

Floats gaussian_taps(int size, double sigma) {
  Doubles w(size);
  double sum = 0.0;
  for (int i = 0; i < size; ++i) {
    const double x = i - (size - 1) / 2.0;
    sum += w[i] = std::exp(-x * x / (2 * sigma * sigma));
  }
  Floats taps(size);
  for (int i = 0; i < size; ++i) taps[i] = (float)(w[i] / sum);
  return taps;
}

struct Blur {
  std::string name;
  Floats taps;
  int pad_before, pad_after, stride;
};

int64_t out_size(int64_t n, const Blur& f) {
  return (n + f.pad_before + f.pad_after - (int64_t)f.taps.size()) / f.stride + 1;
}

void check_blur(const Blur& f, int64_t B, int64_t C, int64_t H, int64_t W) {
  const int K = (int)f.taps.size();
  const int64_t planes = B * C, Ho = out_size(H, f), Wo = out_size(W, f);
  const Floats in = normal(planes * H * W, 1.0), go = normal(planes * Ho * Wo, 1.0);
  // out[y][x] = sum_a sum_b taps[a] taps[b] in[y*s - pad + a][x*s - pad + b] (zero outside); the
  // backward scatters the same products into grad_in.
  Doubles out(planes * Ho * Wo, 0.0), grad(planes * H * W, 0.0);
  for (int64_t pl = 0; pl < planes; ++pl)
    for (int64_t y = 0; y < Ho; ++y)
      for (int64_t x = 0; x < Wo; ++x)
        for (int a = 0; a < K; ++a)
          for (int b = 0; b < K; ++b) {
            const int64_t iy = y * f.stride - f.pad_before + a, ix = x * f.stride - f.pad_before + b;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            const double t = (double)f.taps[a] * f.taps[b];
            out[(pl * Ho + y) * Wo + x] += t * in[(pl * H + iy) * W + ix];
            grad[(pl * H + iy) * W + ix] += t * go[(pl * Ho + y) * Wo + x];
          }
  char shape[64];
  std::snprintf(shape, sizeof shape, " [%lld, %lld, %lld, %lld]", (long long)B, (long long)C, (long long)H,
                (long long)W);
  Floats o = poisoned(out.size()), gi = poisoned(grad.size());
  check_call(tsr_emulated_blur_forward(o.data(), in.data(), planes, H, W, f.taps.data(), K, f.pad_before, f.pad_after,
                                       f.stride, nullptr),
             "blur_forward");
  report(f.name + shape + ": forward", error(o, out, max_abs(out)), 1e-5);
  check_call(tsr_emulated_blur_backward(gi.data(), go.data(), planes, H, W, f.taps.data(), K, f.pad_before,
                                        f.pad_after, f.stride, nullptr),
             "blur_backward");
  report(f.name + shape + ": backward", error(gi, grad, max_abs(grad)), 1e-5);
}

}  // namespace

int main() {
  const char* fixed = std::getenv("TESSERA_SEED");
  const unsigned long long seed = fixed ? std::strtoull(fixed, nullptr, 10) : std::random_device{}();
  rng.seed(seed);
  std::printf("CUDA kernels under CPU emulation, seed %llu (TESSERA_SEED=%llu replays it)\n", seed, seed);

  // MixOpsTest's cases: one cell, B > 1, N from 2 to 1000, cells not a multiple of a block (32),
  // odd template sizes (tw not dividing the 64-column tile), extreme beta and logits.
  for (const MixCase& c : {MixCase{1, 2, 1, 1, 3, 8, 8, 1.0f, 1}, MixCase{2, 62, 3, 5, 3, 8, 8, 15.0f, 1},
                           MixCase{3, 7, 2, 17, 3, 8, 8, 1.0f, 3}, MixCase{1, 33, 5, 33, 3, 8, 8, 15.0f, 2},
                           MixCase{1, 1000, 4, 5, 3, 8, 8, 5.0f, 1}, MixCase{2, 5, 3, 4, 1, 3, 5, 2.0f, 1},
                           MixCase{1, 62, 2, 3, 3, 8, 8, 100.0f, 1e4}, MixCase{2, 1000, 3, 3, 3, 8, 8, 100.0f, 1e4},
                           MixCase{1, 70, 2, 13, 2, 5, 7, 3.0f, 1}})
    check_mix(c);

  // BlurOpsTest's cases: the viewing blur, both pyramid levels, a generic stride-3 blur, odd
  // sizes and images smaller than the kernel.
  const Blur viewing{"viewing", gaussian_taps(8, 3.0), 3, 4, 1}, p1{"pyramid1", gaussian_taps(3, std::sqrt(0.5)), 0, 1, 2},
      p2{"pyramid2", gaussian_taps(5, 1.0), 0, 1, 4}, odd{"stride3", gaussian_taps(5, 1.3), 2, 1, 3};
  struct BlurCase {
    const Blur& f;
    int64_t B, C, H, W;
  };
  for (const BlurCase& c : {BlurCase{viewing, 1, 3, 16, 16}, BlurCase{viewing, 2, 3, 37, 29}, BlurCase{viewing, 3, 2, 70, 41},
                            BlurCase{viewing, 1, 1, 1, 1}, BlurCase{viewing, 1, 2, 3, 5}, BlurCase{p1, 1, 3, 16, 16},
                            BlurCase{p1, 2, 3, 37, 29}, BlurCase{p1, 1, 1, 2, 3}, BlurCase{p2, 1, 3, 64, 64},
                            BlurCase{p2, 2, 3, 37, 29}, BlurCase{p2, 1, 1, 4, 7}, BlurCase{odd, 2, 3, 23, 31},
                            BlurCase{odd, 1, 1, 2, 2}})
    check_blur(c.f, c.B, c.C, c.H, c.W);

  std::printf("%s: %d failed\n", failures ? "FAILED" : "all ok", failures);
  return failures ? 1 : 0;
}
