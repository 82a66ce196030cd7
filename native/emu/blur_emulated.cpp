// The CUDA blur kernels (native/cuda/blur.cu) compiled for the CPU emulation (cuda_emulation.h, via
// TSR_CUDA_EMULATION), under names of their own so that they link beside the library's.
#define tsr_blur_forward_cuda tsr_emulated_blur_forward
#define tsr_blur_backward_cuda tsr_emulated_blur_backward
#include "../cuda/blur.cu"
