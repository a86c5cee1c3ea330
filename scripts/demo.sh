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
#                                    DEMO_PLASMA=kappa|core-halo,
#                                    DEMO_SCIENCE_DAYS: days of the science table, 0 = none)
# The science table (issue #15): both physics modes x both plasmas on
# DEMO_SCIENCE_DAYS days of another seed (SEED+1), one line each.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DEMO_DIR=${DEMO_DIR:-artifacts/demo}
DEMO_START=${DEMO_START:-1998-04-01}
DEMO_DAYS=${DEMO_DAYS:-30}
SEED=${SEED:-42}
DEMO_PLASMA=${DEMO_PLASMA:-kappa}
DEMO_SCIENCE_DAYS=${DEMO_SCIENCE_DAYS:-3}

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
science_table() {
    local dir="$DEMO_DIR/science" plasma physics
    echo
    echo "== science: both physics modes x both plasmas, $DEMO_SCIENCE_DAYS day(s), seed $((SEED + 1))"
    for plasma in kappa core-halo; do
        "$LPMAP" simulate --out "$dir/$plasma" --start "$DEMO_START" --days "$DEMO_SCIENCE_DAYS" \
            --seed $((SEED + 1)) --plasma "$plasma" --overwrite -q
        for physics in consistent reference; do
            "$LPMAP" batch --data-dir "$dir/$plasma" --output-dir "$dir/$plasma-$physics" \
                --physics "$physics" --overwrite -q
            "$LPMAP" simulate --compare "$dir/$plasma-$physics/potential_batch_all.npz" \
                --truth "$dir/$plasma/truth.csv" --json >"$dir/$plasma-$physics.json"
        done
    done
    python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
cols = [("usc_sunlit_err_median_v", "sunlit U_sc |err| V", "{:.3f}"),
        ("usc_shadow_relerr_median", "shadow U_sc rel", "{:.1%}"),
        ("usc_coverage", "U_sc cov", "{:.1%}"),
        ("u_surface_coverage", "U_s cov", "{:.1%}"),
        ("u_surface_sunlit_abs_err_median_v", "U_s |err| sunlit V", "{:.2f}"),
        ("u_surface_shadow_abs_err_median_v", "U_s |err| shadow V", "{:.2f}"),
        ("usc_within_1sigma", "U_sc in 1sig", "{:.1%}"),
        ("u_surface_within_1sigma", "U_s in 1sig", "{:.1%}")]
print("| plasma | physics | " + " | ".join(c[1] for c in cols) + " |")
for plasma in ("kappa", "core-halo"):
    for physics in ("consistent", "reference"):
        j = json.load(open(f"{d}/{plasma}-{physics}.json"))
        cells = []
        for key, _, fmt in cols:
            v = j.get(key)
            cells.append("-" if v is None else fmt.format(v))
        print(f"| {plasma} | {physics} | " + " | ".join(cells) + " |")
print("targets (issue #15, kappa / core-halo, consistent): sunlit U_sc <= 1 V; shadow U_sc <= 15 %;"
      " coverage >= 90 % / 85 %; U_s sunlit <= 2 / 3 V; shadow <= 6 / 8 V; in 1 sigma 55-82 % / 55-95 (U_sc), 55-90 % (U_s)")
PY
}
if [ "$DEMO_SCIENCE_DAYS" -gt 0 ]; then
    science_table
fi

t_end=$(date +%s.%N)
echo
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
echo "wall time: simulate $(elapsed "$t0" "$t1") s, batch $(elapsed "$t1" "$t2") s," \
    "whole demo $(elapsed "$t_start" "$t_end") s (build included)"
echo "NPZ: $NPZ"
echo "$plots"
