// Separable depthwise Gaussian blur, CUDA: blur_forward / blur_backward (contract in tessera.h).
//
// One launch per direction; a block owns a 2-D tile of its output and works in shared memory:
//   forward:  load the input tile with its halo (zero outside the image), apply the horizontal taps
//             into a second shared buffer, then the vertical taps into the output tile.
//   backward: for a tile of grad_in, load the grad_out rows/columns that reach it, gather the
//             vertical taps, then the horizontal taps (the transpose of forward's order).
// Global loads and stores run along rows with consecutive threads on consecutive columns
// (coalesced). The taps travel by value in the kernel parameters (no constant-memory race between
// streams). grad_in is OVERWRITTEN, never accumulated.
#include <algorithm>

#include "check.cuh"

namespace {

constexpr int kTileW = 32;
constexpr int kThreads = 256;
constexpr size_t kMaxShared = 48 * 1024;  // default dynamic shared memory limit, no opt-in needed

struct Taps {
  float v[tsr::kMaxTaps];
};

struct Shape {
  int64_t H, W, Ho, Wo;
  int K, pad, stride, tile_h;
};

__host__ __device__ inline int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int forward_tile_h(int stride) { return std::max(4, 32 / stride); }

void forward_smem(int K, int s, int tile_h, int* rows, int* cols) {
  *rows = (tile_h - 1) * s + K;
  *cols = (kTileW - 1) * s + K;
}

__global__ void blur_forward_kernel(float* __restrict__ out, const float* __restrict__ in,
                                    int64_t planes, Shape sh, Taps taps) {
  TSR_DYNAMIC_SHARED(float, smem);
  const int s = sh.stride, K = sh.K, TH = sh.tile_h;
  const int rows = (TH - 1) * s + K, cols = (kTileW - 1) * s + K;
  float* tile = smem;                // rows x cols input with halo
  float* horiz = smem + rows * cols; // rows x kTileW after the horizontal taps
  const int tid = threadIdx.x;
  const int64_t ox0 = (int64_t)blockIdx.x * kTileW, oy0 = (int64_t)blockIdx.y * TH;
  const int64_t gx0 = ox0 * s - sh.pad, gy0 = oy0 * s - sh.pad;
  for (int64_t p = blockIdx.z; p < planes; p += gridDim.z) {
    const float* src = in + p * sh.H * sh.W;
    for (int idx = tid; idx < rows * cols; idx += blockDim.x) {
      const int r = idx / cols, c = idx % cols;
      const int64_t y = gy0 + r, x = gx0 + c;
      tile[idx] = (y >= 0 && y < sh.H && x >= 0 && x < sh.W) ? src[y * sh.W + x] : 0.0f;
    }
    __syncthreads();
    for (int idx = tid; idx < rows * kTileW; idx += blockDim.x) {
      const int r = idx / kTileW, j = idx % kTileW;
      const float* t = tile + r * cols + j * s;
      float acc = 0.0f;
      for (int b = 0; b < K; ++b) acc += taps.v[b] * t[b];
      horiz[idx] = acc;
    }
    __syncthreads();
    float* dst = out + p * sh.Ho * sh.Wo;
    for (int idx = tid; idx < TH * kTileW; idx += blockDim.x) {
      const int i = idx / kTileW, j = idx % kTileW;
      const int64_t oy = oy0 + i, ox = ox0 + j;
      if (oy >= sh.Ho || ox >= sh.Wo) continue;
      const float* h = horiz + i * s * kTileW + j;
      float acc = 0.0f;
      for (int a = 0; a < K; ++a) acc += taps.v[a] * h[a * kTileW];
      dst[oy * sh.Wo + ox] = acc;
    }
    __syncthreads();
  }
}

// Range [lo, hi] of grad_out indices whose taps reach input positions [v0, v0 + n).
__host__ __device__ inline void reach(int64_t v0, int n, int K, int pad, int s, int64_t* lo,
                                      int64_t* hi) {
  *lo = -floor_div(-(v0 + pad - K + 1), s);  // ceil((v0 + pad - K + 1) / s)
  *hi = floor_div(v0 + n - 1 + pad, s);
}

__host__ __device__ inline int backward_span(int n, int K, int s) { return (n - 1 + K - 1) / s + 2; }

__global__ void blur_backward_kernel(float* __restrict__ grad_in, const float* __restrict__ grad_out,
                                     int64_t planes, Shape sh, Taps taps) {
  TSR_DYNAMIC_SHARED(float, smem);
  const int s = sh.stride, K = sh.K, TH = sh.tile_h, pad = sh.pad;
  const int span_r = backward_span(TH, K, s), span_c = backward_span(kTileW, K, s);
  float* g = smem;                   // span_r x span_c grad_out values reaching this tile
  float* vert = smem + span_r * span_c;  // TH x span_c after the vertical taps
  const int tid = threadIdx.x;
  const int64_t x0 = (int64_t)blockIdx.x * kTileW, y0 = (int64_t)blockIdx.y * TH;
  int64_t i_lo, i_hi, j_lo, j_hi;
  reach(y0, TH, K, pad, s, &i_lo, &i_hi);
  reach(x0, kTileW, K, pad, s, &j_lo, &j_hi);
  const int nr = (int)(i_hi - i_lo + 1), nc = (int)(j_hi - j_lo + 1);
  for (int64_t p = blockIdx.z; p < planes; p += gridDim.z) {
    const float* src = grad_out + p * sh.Ho * sh.Wo;
    for (int idx = tid; idx < nr * nc; idx += blockDim.x) {
      const int r = idx / nc, c = idx % nc;
      const int64_t i = i_lo + r, j = j_lo + c;
      g[r * span_c + c] = (i >= 0 && i < sh.Ho && j >= 0 && j < sh.Wo) ? src[i * sh.Wo + j] : 0.0f;
    }
    __syncthreads();
    for (int idx = tid; idx < TH * nc; idx += blockDim.x) {
      const int ty = idx / nc, c = idx % nc;
      const int64_t y = y0 + ty;
      float acc = 0.0f;
      for (int a = 0; a < K; ++a) {
        const int64_t num = y + pad - a;
        if (num < 0 || num % s != 0) continue;
        acc += taps.v[a] * g[(int)(num / s - i_lo) * span_c + c];
      }
      vert[ty * span_c + c] = acc;
    }
    __syncthreads();
    float* dst = grad_in + p * sh.H * sh.W;
    for (int idx = tid; idx < TH * kTileW; idx += blockDim.x) {
      const int ty = idx / kTileW, tx = idx % kTileW;
      const int64_t y = y0 + ty, x = x0 + tx;
      if (y >= sh.H || x >= sh.W) continue;
      float acc = 0.0f;
      for (int b = 0; b < K; ++b) {
        const int64_t num = x + pad - b;
        if (num < 0 || num % s != 0) continue;
        acc += taps.v[b] * vert[ty * span_c + (int)(num / s - j_lo)];
      }
      dst[y * sh.W + x] = acc;
    }
    __syncthreads();
  }
}

int prepare(Shape* sh, Taps* t, int64_t H, int64_t W, const float* taps, int K, int pad_before,
            int pad_after, int stride) {
  sh->H = H;
  sh->W = W;
  sh->Ho = tsr::blur_out_size(H, K, pad_before, pad_after, stride);
  sh->Wo = tsr::blur_out_size(W, K, pad_before, pad_after, stride);
  sh->K = K;
  sh->pad = pad_before;
  sh->stride = stride;
  for (int k = 0; k < tsr::kMaxTaps; ++k) t->v[k] = k < K ? taps[k] : 0.0f;
  return TSR_OK;
}

unsigned grid_z(int64_t planes) { return (unsigned)std::min<int64_t>(std::max<int64_t>(planes, 1), 65535); }

}  // namespace

extern "C" {

int tsr_blur_forward_cuda(float* out, const float* in, int64_t planes, int64_t H, int64_t W,
                          const float* taps, int K, int pad_before, int pad_after, int stride,
                          void* stream) {
  int rc = tsr::check_blur(out, in, planes, H, W, taps, K, pad_before, pad_after, stride);
  if (rc != TSR_OK) return rc;
  if (planes == 0) return TSR_OK;
  Shape sh;
  Taps t;
  prepare(&sh, &t, H, W, taps, K, pad_before, pad_after, stride);
  sh.tile_h = forward_tile_h(stride);
  int rows, cols;
  forward_smem(K, stride, sh.tile_h, &rows, &cols);
  const size_t smem = sizeof(float) * ((size_t)rows * cols + (size_t)rows * kTileW);
  if (smem > kMaxShared)
    return tsr::fail(TSR_E_ARG, "blur_forward_cuda: K=%d with stride %d needs %zu bytes of shared memory (max %zu)",
                     K, stride, smem, kMaxShared);
  const dim3 grid((unsigned)((sh.Wo + kTileW - 1) / kTileW), (unsigned)((sh.Ho + sh.tile_h - 1) / sh.tile_h),
                  grid_z(planes));
  TSR_LAUNCH(blur_forward_kernel, grid, kThreads, smem, (cudaStream_t)stream)(out, in, planes, sh, t);
  TSR_CUDA_CHECK_LAUNCH("blur_forward_kernel");
  return TSR_OK;
}

int tsr_blur_backward_cuda(float* grad_in, const float* grad_out, int64_t planes, int64_t H,
                           int64_t W, const float* taps, int K, int pad_before, int pad_after,
                           int stride, void* stream) {
  int rc = tsr::check_blur(grad_in, grad_out, planes, H, W, taps, K, pad_before, pad_after, stride);
  if (rc != TSR_OK) return rc;
  if (planes == 0) return TSR_OK;
  Shape sh;
  Taps t;
  prepare(&sh, &t, H, W, taps, K, pad_before, pad_after, stride);
  sh.tile_h = 32;
  const int span_r = backward_span(sh.tile_h, K, stride), span_c = backward_span(kTileW, K, stride);
  const size_t smem = sizeof(float) * ((size_t)span_r * span_c + (size_t)sh.tile_h * span_c);
  if (smem > kMaxShared)
    return tsr::fail(TSR_E_ARG, "blur_backward_cuda: K=%d with stride %d needs %zu bytes of shared memory (max %zu)",
                     K, stride, smem, kMaxShared);
  const dim3 grid((unsigned)((W + kTileW - 1) / kTileW), (unsigned)((H + sh.tile_h - 1) / sh.tile_h),
                  grid_z(planes));
  TSR_LAUNCH(blur_backward_kernel, grid, kThreads, smem, (cudaStream_t)stream)(grad_in, grad_out, planes, sh, t);
  TSR_CUDA_CHECK_LAUNCH("blur_backward_kernel");
  return TSR_OK;
}

}  // extern "C"
