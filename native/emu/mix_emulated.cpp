// The CUDA mix kernels (native/cuda/mix.cu) compiled for the CPU emulation (cuda_emulation.h, via
// TSR_CUDA_EMULATION), under names of their own so that they link beside the library's.
#define tsr_mix_forward_cuda tsr_emulated_mix_forward
#define tsr_mix_backward_cuda tsr_emulated_mix_backward
#include "../cuda/mix.cu"
