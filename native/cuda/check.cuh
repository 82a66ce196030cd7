// CUDA error checking for the launchers: every runtime call and every launch is checked, and a
// failure becomes TSR_E_CUDA with the call, the file:line and CUDA's own message.
#pragma once
#include <cuda_runtime.h>

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
