#!/usr/bin/env bash
# The one command a session with a lent GPU runs (docs/decisions.md "GPU"):
# configure + build with CUDA, the GPU tests, the
# whole suite, compute-sanitizer (memcheck, racecheck, synccheck) on the GPU
# test binary, `lpmap info`, and the GPU benchmarks. Logs go to $OUT (the
# device tool's return folder) or ./gpu-logs — at most 8 files.
#
#   scripts/gpu-check.sh               on the GPU machine, from the repo root
#   scripts/gpu-check.sh --fetch-deps  HERE, before the device call: downloads
#       the Debian packages the build needs (cmocka, Random123, zlib headers)
#       into .gpu-deps/ (git-ignored); name .gpu-deps in
#       the device tool's `carry`. The GPU machine has no package registry.
#
# Environment: LPMAP_CUDA_ARCHS (default 90: H100/H200; the full list is for
# CI), GPU_CHECK_JOBS (default: all cores).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
DEPS_PKGS=(libcmocka0 libcmocka-dev librandom123-dev zlib1g-dev)

if [ "${1:-}" = "--fetch-deps" ]; then
    mkdir -p .gpu-deps
    (cd .gpu-deps && apt-get download "${DEPS_PKGS[@]}") || exit 1
    ls -la .gpu-deps
    exit 0
fi

LOG=${OUT:-$ROOT/gpu-logs}
mkdir -p "$LOG"
SUMMARY=$LOG/summary.txt
: >"$SUMMARY"
JOBS=${GPU_CHECK_JOBS:-$(nproc)}
ARCHS=${LPMAP_CUDA_ARCHS:-90}
BUILD=$ROOT/build-gpu

note() { echo "$*" | tee -a "$SUMMARY"; }
# step NAME LOGFILE TIMEOUT CMD...: run, append output to LOGFILE, record rc.
step() {
    local name=$1 file=$2 limit=$3
    shift 3
    echo "== $name: $*" >>"$LOG/$file"
    local t0=$(date +%s)
    timeout "$limit" "$@" >>"$LOG/$file" 2>&1
    local rc=$?
    note "$name: rc=$rc ($(($(date +%s) - t0)) s) -> $file"
    return $rc
}

note "gpu-check $(date -u +%FT%TZ) on $(hostname), commit $(git rev-parse --short HEAD 2>/dev/null)"
nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader \
    >>"$SUMMARY" 2>&1 || note "nvidia-smi: not available"

# Dependencies that travelled as Debian packages (see --fetch-deps).
CMAKE_DEPS=()
if [ -d .gpu-deps ] && ls .gpu-deps/*.deb >/dev/null 2>&1; then
    DR=/tmp/lpmap-gpu-deps
    mkdir -p "$DR"
    for f in .gpu-deps/*.deb; do dpkg -x "$f" "$DR"; done
    CMAKE_DEPS=(-DCMAKE_PREFIX_PATH="$DR/usr" -DCMAKE_INCLUDE_PATH="$DR/usr/include"
        -DCMAKE_LIBRARY_PATH="$DR/usr/lib/x86_64-linux-gnu")
    export LD_LIBRARY_PATH="$DR/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    note "dependencies unpacked from .gpu-deps into $DR"
fi

step configure build.log 300 cmake -S . -B "$BUILD" -DLPMAP_CUDA=ON -DLPMAP_CUDA_ARCHS="$ARCHS" \
    -DCMAKE_BUILD_TYPE=Release "${CMAKE_DEPS[@]}" || { note "configure failed: see build.log"; exit 1; }
step build build.log 900 cmake --build "$BUILD" -j"$JOBS" || { note "build failed: see build.log"; exit 1; }

step info info.txt 60 "$BUILD/lpmap" info
step ctest-gpu ctest-gpu.log 900 env LPMAP_GPU_TEST_PERF=${LPMAP_GPU_TEST_PERF:-20000} \
    ctest --test-dir "$BUILD" -L gpu --output-on-failure -V
grep -h "PERF" "$LOG/ctest-gpu.log" >>"$SUMMARY" 2>/dev/null
if nvidia-smi -L >/dev/null 2>&1 && grep -q "test_gpu_parity (Skipped)" "$LOG/ctest-gpu.log"; then
    note "WARNING: a GPU is present but the GPU tests skipped (see ctest-gpu.log and info.txt)"
fi
step ctest-all ctest-all.log 1200 ctest --test-dir "$BUILD" -j"$JOBS" --output-on-failure

SAN=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer \
    /usr/local/cuda/compute-sanitizer/compute-sanitizer 2>/dev/null | head -1)
if [ -n "$SAN" ] && [ -x "$SAN" ]; then
    for tool in memcheck racecheck synccheck; do
        step "sanitizer-$tool" sanitizer.log 900 env LPMAP_GPU_TEST_SMALL=1 "$SAN" --tool "$tool" \
            --error-exitcode 3 "$BUILD/tests/test_gpu_parity"
    done
else
    note "compute-sanitizer not found"
fi

# Benchmarks: one JSON object per line in bench.json, logs in bench.log.
bench() {
    local name=$1
    shift
    echo "== $name: $*" >>"$LOG/bench.log"
    local t0=$(date +%s)
    timeout 600 "$BUILD/lpmap" bench "$@" >>"$LOG/bench.json" 2>>"$LOG/bench.log"
    note "bench-$name: rc=$? ($(($(date +%s) - t0)) s) -> bench.json"
}
bench losscone losscone --fast --n 100000 --json
bench losscone-nopolish losscone --fast --no-polish --n 100000 --json
bench losscone-mixed losscone --fast --dtype fp16 --n 20000 --json
bench losscone-cpu losscone --n 2000 --json
bench kappa kappa --fast --json
bench batch batch --fast --json
note "done; logs in $LOG"
