#!/usr/bin/env bash
# Issue #15's target table for simulated months (docs/performance.md,
# "Where the targets stand"): `lpmap batch` on each data folder (a fresh
# output folder each, so resume never reuses an older result), then
# `lpmap simulate --compare --json` against its truth.csv, one table row per
# folder. Needs /usr/bin/python3 (or python3) for the JSON.
#   scripts/science-months.sh [-b LPMAP] [-o OUT_ROOT] [-a "BATCH ARGS"] DATA_DIR...
# Example (the held-out months of docs/performance.md):
#   scripts/science-months.sh -b build/lpmap /tmp/lcw/h99k /tmp/lcw/h2718k /tmp/lcw/h99c /tmp/lcw/h2718c
set -euo pipefail
BIN=build/lpmap
ROOT=
ARGS=()
DIRS=()
while [ $# -gt 0 ]; do
    case $1 in
    -b) BIN=$2; shift 2 ;;
    -o) ROOT=$2; shift 2 ;;
    -a) read -r -a ARGS <<< "$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) DIRS+=("$1"); shift ;;
    esac
done
[ ${#DIRS[@]} -gt 0 ] || { echo "science-months.sh: no data folder given (see --help)" >&2; exit 2; }
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
[ -n "$ROOT" ] || ROOT=$(mktemp -d /tmp/science-months.XXXXXX)
mkdir -p "$ROOT"
echo "| data | plasma | physics | sweeps fitted | U_sc sunlit med V | U_sc shadow med rel | U_sc cov | U_surf cov | U_surf sunlit V | U_surf shadow V | U_sc 1σ/3σ | U_surf 1σ/3σ | total s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for d in "${DIRS[@]}"; do
    [ -f "$d/truth.csv" ] || { echo "science-months.sh: $d has no truth.csv" >&2; exit 2; }
    out="$ROOT/$(basename "$d")"
    rm -rf "$out"
    "$BIN" batch --data-dir "$d" --output-dir "$out" -q ${ARGS[@]+"${ARGS[@]}"}
    npz=$(ls "$out"/*.npz)
    "$BIN" simulate --compare "$npz" --truth "$d/truth.csv" --json > "$out/compare.json"
    "$PY" - "$d" "$out/compare.json" "$npz" <<'PYEOF'
import json, sys
import numpy as np
d, js, npz = sys.argv[1:]
j = json.load(open(js))
t = float(np.load(npz)["meta_seconds_total"])
f = lambda k, fmt="%.2f": (fmt % j[k]) if k in j and j[k] is not None else "—"
pc = lambda k: "%.1f" % (100 * j[k]) if j.get(k) is not None else "—"
print("| %s | %s | %s | %d | %s | %s %% | %s %% | %s %% | %s | %s | %s / %s %% | %s / %s %% | %.1f |" % (
    d, j.get("plasma"), j.get("physics"), j["sweeps_fitted"], f("usc_sunlit_err_median_v", "%.4f"),
    pc("usc_shadow_relerr_median"), pc("usc_coverage"), pc("u_surface_coverage"),
    f("u_surface_sunlit_abs_err_median_v"), f("u_surface_shadow_abs_err_median_v"),
    pc("usc_within_1sigma"), pc("usc_within_3sigma"), pc("u_surface_within_1sigma"),
    pc("u_surface_within_3sigma"), t))
PYEOF
done
echo "(outputs under $ROOT)"
