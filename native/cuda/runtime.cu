// Device queries and plain device memory for callers that have no CUDA tensor library of their
// own (the Java tests and benchmarks, which use LibTorch's CPU build).
#include "check.cuh"

extern "C" {

int tsr_cuda_compiled(void) { return 1; }

int tsr_cuda_device_count(void) {
  int n = 0;
  // No driver or no device is an answer (0), not an error.
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return n;
}

int tsr_cuda_malloc(void** ptr, int64_t bytes) {
  if (!ptr || bytes < 0) return tsr::fail(TSR_E_ARG, "cuda_malloc: bad arguments");
  TSR_CUDA_TRY(cudaMalloc(ptr, bytes > 0 ? (size_t)bytes : 1));
  return TSR_OK;
}

int tsr_cuda_free(void* ptr) {
  TSR_CUDA_TRY(cudaFree(ptr));
  return TSR_OK;
}

int tsr_cuda_memcpy_h2d(void* dst, const void* src, int64_t bytes) {
  TSR_CUDA_TRY(cudaMemcpy(dst, src, (size_t)bytes, cudaMemcpyHostToDevice));
  return TSR_OK;
}

int tsr_cuda_memcpy_d2h(void* dst, const void* src, int64_t bytes) {
  TSR_CUDA_TRY(cudaMemcpy(dst, src, (size_t)bytes, cudaMemcpyDeviceToHost));
  return TSR_OK;
}

int tsr_cuda_synchronize(void) {
  TSR_CUDA_TRY(cudaDeviceSynchronize());
  return TSR_OK;
}

}  // extern "C"
