# Decides whether libtessera gets its CUDA kernels.
#   TESSERA_CUDA=AUTO (default): build them when a CUDA compiler is found, else CPU only.
#   TESSERA_CUDA=ON: a CUDA compiler is required.   TESSERA_CUDA=OFF: never.
# Sets TESSERA_WITH_CUDA and TESSERA_CUDA_ARCHITECTURES (default: SASS + PTX for sm_80 and sm_90,
# i.e. A100 and H100/H200; the PTX lets newer cards JIT the kernels).
set(TESSERA_CUDA "AUTO" CACHE STRING "AUTO, ON or OFF")
set(TESSERA_CUDA_ARCHITECTURES "80;90" CACHE STRING "CMAKE_CUDA_ARCHITECTURES for the kernels")
set(TESSERA_WITH_CUDA OFF)

if(NOT TESSERA_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    enable_language(CUDA)
    set(CMAKE_CUDA_STANDARD 17)
    set(TESSERA_WITH_CUDA ON)
    message(STATUS "tessera: CUDA kernels ON (${CMAKE_CUDA_COMPILER}, architectures ${TESSERA_CUDA_ARCHITECTURES})")
  elseif(TESSERA_CUDA STREQUAL "ON")
    message(FATAL_ERROR "tessera: TESSERA_CUDA=ON but no CUDA compiler was found (put nvcc on PATH or set CMAKE_CUDA_COMPILER)")
  else()
    message(STATUS "tessera: no CUDA compiler found, building the CPU ops only")
  endif()
endif()
