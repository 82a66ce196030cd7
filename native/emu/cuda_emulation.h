// The CUDA execution model on the CPU, just enough to run Tessera's own kernels (native/cuda/*.cu)
// on a machine without a GPU, so that their indexing, shared-memory staging, barriers and
// reductions are checked in every build (native/emu/emulated_cuda_check.cpp), not only where a GPU
// is lent. Included instead of <cuda_runtime.h> when TSR_CUDA_EMULATION is defined (check.cuh);
// the .cu files compile unchanged as C++20.
//
// A launch runs one OS thread per CUDA thread of a block (blockDim.x * .y * .z of them) and walks
// the grid's blocks in order, all threads on the same block at a time; __syncthreads() is a
// std::barrier over those threads, and a barrier after each block keeps the next block from
// starting while the last one still runs. __shared__ makes a kernel's shared arrays function-local
// statics, shared by all the threads as on the GPU (one block runs at a time, so one copy
// suffices); dynamic shared memory is a buffer filled with NaN before every block, so a read of
// shared memory the block did not write shows in the results. "Device" pointers are host pointers.
//
// What it does not model: reads of static shared memory a block did not write (those arrays start
// zeroed and keep the previous block's values, where a GPU's hold garbage), warps (the kernels
// use no warp-synchronous code or shuffles), the
// GPU's float arithmetic (--use_fast_math's __expf, FMA contraction and flush-to-zero: here
// std::exp and GCC's own contraction), memory limits (nvcc checks static shared memory at compile
// time), streams (a launch is synchronous) and speed.
#pragma once

#include <atomic>
#include <barrier>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <thread>
#include <vector>

struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

typedef struct tsr_emu_stream* cudaStream_t;
typedef int cudaError_t;
constexpr cudaError_t cudaSuccess = 0;
inline cudaError_t cudaPeekAtLastError() { return cudaSuccess; }
inline const char* cudaGetErrorString(cudaError_t) { return "no error (CPU emulation)"; }

namespace tsr_emu {

inline thread_local dim3 thread_index, block_index;
inline dim3 block_dim, grid_dim;
inline std::barrier<>* block_barrier = nullptr;
inline std::vector<double> dynamic_shared_memory;  // doubles: aligned for any element type

template <class T> T* dynamic_shared() { return reinterpret_cast<T*>(dynamic_shared_memory.data()); }

// kernel<<<grid, block, shared_bytes, stream>>>(args...), synchronously.
struct Launch {
  dim3 grid, block;
  size_t shared_bytes;
  template <class Kernel, class... Args> void run(Kernel kernel, Args... args) const {
    const unsigned threads = block.x * block.y * block.z;
    std::barrier<> barrier(threads);
    block_barrier = &barrier;
    block_dim = block;
    grid_dim = grid;
    dynamic_shared_memory.assign((shared_bytes + sizeof(double) - 1) / sizeof(double), 0.0);
    auto poison = []() noexcept {
      float* f = dynamic_shared<float>();
      for (size_t i = 0; i < dynamic_shared_memory.size() * 2; ++i) f[i] = std::numeric_limits<float>::quiet_NaN();
    };
    std::barrier<decltype(poison)> next_block(threads, poison);
    poison();
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        thread_index = dim3(t % block.x, t / block.x % block.y, t / (block.x * block.y));
        for (unsigned z = 0; z < grid.z; ++z)
          for (unsigned y = 0; y < grid.y; ++y)
            for (unsigned x = 0; x < grid.x; ++x) {
              block_index = dim3(x, y, z);
              kernel(args...);
              next_block.arrive_and_wait();  // the last thread to arrive re-poisons shared memory
            }
      });
    for (std::thread& t : pool) t.join();
    block_barrier = nullptr;
  }
};

template <class Kernel> struct Launcher {
  Kernel kernel;
  Launch launch;
  template <class... Args> void operator()(Args... args) const { launch.run(kernel, args...); }
};

template <class Kernel> Launcher<Kernel> launcher(Kernel kernel, dim3 grid, dim3 block, size_t shared_bytes) {
  return Launcher<Kernel>{kernel, Launch{grid, block, shared_bytes}};
}

}  // namespace tsr_emu

#define threadIdx (tsr_emu::thread_index)
#define blockIdx (tsr_emu::block_index)
#define blockDim (tsr_emu::block_dim)
#define gridDim (tsr_emu::grid_dim)
#define __global__
#define __device__
#define __host__
#define __shared__ static

inline void __syncthreads() { tsr_emu::block_barrier->arrive_and_wait(); }
inline float __expf(float x) { return std::exp(x); }
inline double atomicAdd(double* address, double value) { return std::atomic_ref<double>(*address).fetch_add(value); }
inline float atomicAdd(float* address, float value) { return std::atomic_ref<float>(*address).fetch_add(value); }

// The two constructs of the kernels' sources that are not plain C++ (see check.cuh).
#define TSR_LAUNCH(kernel, grid, block, shared_bytes, stream) \
  ((void)(stream), tsr_emu::launcher(kernel, grid, block, shared_bytes))
#define TSR_DYNAMIC_SHARED(type, name) type* name = tsr_emu::dynamic_shared<type>()
