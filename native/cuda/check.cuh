// CUDA error checking for the launchers: every runtime call and every launch is checked, and a
// failure becomes TSR_E_CUDA with the call, the file:line and CUDA's own message.
#pragma once
#ifdef TSR_CUDA_EMULATION
#include "cuda_emulation.h"  // native/emu: the kernels run on the CPU, for the check in every build
#else
#include <cuda_runtime.h>

// kernel<<<grid, block, shared_bytes, stream>>>(args...) is written
// TSR_LAUNCH(kernel, grid, block, shared_bytes, stream)(args...), and a kernel's dynamic shared
// array TSR_DYNAMIC_SHARED(type, name): the two constructs that the CPU emulation defines its own way.
#define TSR_LAUNCH(kernel, grid, block, shared_bytes, stream) kernel<<<grid, block, shared_bytes, stream>>>
#define TSR_DYNAMIC_SHARED(type, name) extern __shared__ type name[]
#endif

#include "internal.h"

#define TSR_CUDA_TRY(call)                                                                  \
  do {                                                                                      \
    cudaError_t err_ = (call);                                                              \
    if (err_ != cudaSuccess)                                                                \
      return tsr::fail(TSR_E_CUDA, "%s failed at %s:%d: %s", #call, __FILE__, __LINE__,     \
                       cudaGetErrorString(err_));                                           \
  } while (0)

// After a <<<...>>> launch: launch-configuration errors surface here, asynchronous faults later.
#define TSR_CUDA_CHECK_LAUNCH(name) TSR_CUDA_TRY(cudaPeekAtLastError())
