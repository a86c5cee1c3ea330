#!/usr/bin/env bash
# The README's main-job command (docs/decisions.md): install what is
# missing, build (Release; CUDA compiled when nvcc is found), simulate a
# synthetic dataset with known truth in the PDS layout, run the batch job on
# it (`--fast`: the GPU when one is usable, else the CPU path), then print
# how well the injected surface potential was recovered and where the NPZ
# and the pictures went.
# The comparison prints the issue #15 figures too (U_sc and U_surface
# coverage and errors, sigma calibration when the NPZ has the sigma keys).
#   scripts/demo.sh                 (environment: DEMO_DAYS, DEMO_START, DEMO_DIR, BUILD,
#                                    DEMO_PLASMA=kappa|core-halo)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DEMO_DIR=${DEMO_DIR:-artifacts/demo}
DEMO_START=${DEMO_START:-1998-04-01}
DEMO_DAYS=${DEMO_DAYS:-30}
SEED=${SEED:-42}
DEMO_PLASMA=${DEMO_PLASMA:-kappa}

t_start=$(date +%s.%N)
scripts/install-deps.sh
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release ${LPMAP_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD" -j"$(nproc)" >/dev/null
LPMAP="$BUILD/lpmap"
"$LPMAP" info || true

echo
echo "== simulating $DEMO_DAYS day(s) from $DEMO_START into $DEMO_DIR/data (seed $SEED, plasma $DEMO_PLASMA)"
t0=$(date +%s.%N)
"$LPMAP" simulate --out "$DEMO_DIR/data" --start "$DEMO_START" --days "$DEMO_DAYS" --seed "$SEED" \
    --plasma "$DEMO_PLASMA" --overwrite
t1=$(date +%s.%N)

echo
echo "== lpmap batch --fast"
"$LPMAP" batch --data-dir "$DEMO_DIR/data" --output-dir "$DEMO_DIR/cache" --fast --overwrite --seed "$SEED"
t2=$(date +%s.%N)
NPZ="$DEMO_DIR/cache/potential_batch_all.npz"

echo
"$LPMAP" simulate --compare "$NPZ" --truth "$DEMO_DIR/data/truth.csv"

PNG_DIR="$DEMO_DIR/plots"
mkdir -p "$PNG_DIR"
if plot_log=$("$LPMAP" plot "$NPZ" --out "$PNG_DIR" 2>&1); then
    plots="PNG: $(ls "$PNG_DIR"/*.png | tr '\n' ' ')"
else
    plots="(no pictures: $(printf '%s' "$plot_log" | tail -1))"
fi
t_end=$(date +%s.%N)
echo
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
echo "wall time: simulate $(elapsed "$t0" "$t1") s, batch $(elapsed "$t1" "$t2") s," \
    "whole demo $(elapsed "$t_start" "$t_end") s (build included)"
echo "NPZ: $NPZ"
echo "$plots"
