#!/usr/bin/env bash
# Configures, builds and installs libtessera into target/native/{lib,include}. Run by Maven
# (generate-resources) with the TESSERA_CUDA mode as $1; usable by hand from the repository root.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-AUTO}
build="$here/target/native-build"
mkdir -p "$here/target"
cmake -S "$here/native" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTESSERA_CUDA="$mode" \
  -DCMAKE_INSTALL_PREFIX="$here/target/native" ${TESSERA_CMAKE_ARGS:-} > "$build.log" 2>&1 \
  || { cat "$build.log"; exit 1; }
cmake --build "$build" --parallel "$(nproc)" >> "$build.log" 2>&1 || { cat "$build.log"; exit 1; }
cmake --install "$build" >> "$build.log" 2>&1 || { cat "$build.log"; exit 1; }
grep -E '^-- tessera:' "$build.log" || true
