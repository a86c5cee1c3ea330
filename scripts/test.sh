#!/usr/bin/env bash
# The README's test command: install missing dependencies, build (Release,
# CUDA compiled when nvcc is found) and run the whole suite with ctest.
# GPU tests exit 77 where there is no device, which ctest reports as skipped.
#   scripts/test.sh [BUILD_DIR]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
scripts/install-deps.sh
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release ${LPMAP_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure -j"$(nproc)"
