#!/usr/bin/env bash
# For a machine with an NVIDIA GPU, nvcc, cmake, a C++ compiler and PyTorch (no Java, no network):
# builds libtessera with its CUDA kernels from native/, then checks them against PyTorch composites
# in double and times them against PyTorch eager and torch.compile (bench/gpu/check_and_time.py).
# Exit status: non-zero when the build or any check fails.
#
#   bench/gpu/run.sh                  # build for this card's architecture, check, time
#   bench/gpu/run.sh --no-compile     # skip torch.compile (it can take minutes the first time)
#   bench/gpu/run.sh --check-only     # correctness only
#   TSR_BUILD_DIR=/tmp/x TSR_CUDA_ARCH=80 bench/gpu/run.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${TSR_BUILD_DIR:-/tmp/tsr-build}
arch=${TSR_CUDA_ARCH:-}
if [[ -z "$arch" ]]; then
  # compute capability of GPU 0, e.g. "9.0" -> 90; 90 (H100/H200) when nvidia-smi cannot say
  arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n1 | tr -d ' .' || true)
  arch=${arch:-90}
fi
echo "building libtessera (CUDA architecture $arch) in $build"
cmake -S "$repo/native" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTESSERA_CUDA=ON \
  -DTESSERA_CUDA_ARCHITECTURES="$arch" -DTESSERA_EMULATED_CUDA_CHECK=OFF > "$build.log" 2>&1 || { cat "$build.log"; exit 1; }
cmake --build "$build" --parallel "$(nproc)" >> "$build.log" 2>&1 || { cat "$build.log"; exit 1; }
exec python3 "$repo/bench/gpu/check_and_time.py" --lib "$build/libtessera.so" "$@"
