#!/usr/bin/env bash
# Build the libFuzzer harnesses (fuzz/, docs/decisions.md "Hardening") with clang and run
# each for SECONDS (default 60), one after another.
#   scripts/fuzz.sh [SECONDS] [HARNESS...]   harnesses: er_tab attitude theta
#                                            textkernel spk npz_read npz_roundtrip
# Seeds come from fuzz/corpus/<harness>/ (never modified); the growing corpus
# lives in build-fuzz/corpus/<harness>/. A crash stops the run with exit 1 and
# leaves the reproducer in build-fuzz/artifacts/<harness>/ (replay it with
# build-fuzz/fuzz/fuzz_<harness> FILE; add it to tests/data/fuzz-regressions/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(er_tab attitude theta textkernel spk npz_read npz_roundtrip sites)

scripts/install-deps.sh
# clang, its libFuzzer/sanitizer runtimes and its OpenMP runtime.
need=()
command -v clang >/dev/null || need+=(clang)
for p in libclang-rt-14-dev libomp-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
        echo "fuzzing needs: apt-get install -y ${need[*]}" >&2
        exit 1
    fi
    echo "installing: ${need[*]}" >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

BUILD=build-fuzz
configure() {
    CC=clang cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLPMAP_FUZZ=ON \
        -DLPMAP_CUDA=OFF -DLPMAP_TESTS=OFF -DLPMAP_WITH_CAIRO=OFF -DLPMAP_WITH_CURL=OFF -DLPMAP_WITH_NETCDF=OFF >/dev/null
}
# A cache from a build with cairo/curl on does not reconfigure with them
# off (cached pkg-config results): start that cache afresh.
configure 2>/dev/null || { rm -rf "$BUILD/CMakeCache.txt" "$BUILD/CMakeFiles"; configure; }
targets=()
for h in "${harnesses[@]}"; do targets+=(--target "fuzz_$h"); done
cmake --build "$BUILD" -j"$(nproc)" "${targets[@]}"

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
for h in "${harnesses[@]}"; do
    corpus="$BUILD/corpus/$h"
    artifacts="$BUILD/artifacts/$h"
    mkdir -p "$corpus" "$artifacts"
    echo "== fuzz_$h for ${seconds}s (corpus $corpus, seeds fuzz/corpus/$h)"
    log="$BUILD/fuzz_$h.log"
    if "$BUILD/fuzz/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" \
        "$corpus" "fuzz/corpus/$h" >"$log" 2>&1; then
        grep -E '^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss_mb' "$log" |
            sed 's/^/   /' || true
        grep -aE '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 | sed 's/^/   /' || true
    else
        status=1
        echo "   CRASH in fuzz_$h (log: $log); reproducer(s):"
        ls -1 "$artifacts" | sed "s|^|   $artifacts/|"
        grep -E 'ERROR:|runtime error|fuzz check failed|SUMMARY' "$log" | head -5 | sed 's/^/   /'
    fi
done
exit $status
