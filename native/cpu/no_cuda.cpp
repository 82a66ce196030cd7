// The CUDA half of tessera.h for a library built without nvcc: nothing to run, a clear message.
#include "internal.h"

namespace {
int no_cuda() {
  return tsr::fail(TSR_E_NO_CUDA,
                   "libtessera was built without CUDA (no nvcc at build time); rebuild on a "
                   "machine with the CUDA toolkit, or use CPU tensors");
}
}  // namespace

extern "C" {

int tsr_cuda_compiled(void) { return 0; }
int tsr_cuda_device_count(void) { return 0; }
int tsr_cuda_malloc(void**, int64_t) { return no_cuda(); }
int tsr_cuda_free(void*) { return no_cuda(); }
int tsr_cuda_memcpy_h2d(void*, const void*, int64_t) { return no_cuda(); }
int tsr_cuda_memcpy_d2h(void*, const void*, int64_t) { return no_cuda(); }
int tsr_cuda_synchronize(void) { return no_cuda(); }

int tsr_blur_forward_cuda(float*, const float*, int64_t, int64_t, int64_t, const float*, int, int,
                          int, int, void*) {
  return no_cuda();
}
int tsr_blur_backward_cuda(float*, const float*, int64_t, int64_t, int64_t, const float*, int, int,
                           int, int, void*) {
  return no_cuda();
}
int tsr_mix_forward_cuda(float*, float*, const float*, const float*, int64_t, int64_t, int64_t,
                         int64_t, int64_t, int64_t, int64_t, float, void*) {
  return no_cuda();
}
int tsr_mix_backward_cuda(float*, const float*, const float*, const float*, const float*, int64_t,
                          int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, float, void*) {
  return no_cuda();
}

}  // extern "C"
