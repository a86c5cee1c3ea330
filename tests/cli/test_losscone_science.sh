#!/usr/bin/env bash
# End to end, the consistent physics' surface potential against the
# simulator's truth (docs/physics-modes.md "Surface potential", issue #15):
# two simulated days on a seed never used for tuning (7; development was on
# seed 42, the held-out figures on 2718 and 99 in docs/performance.md).
# Measured when written: shadowed median |error| 7.7 V with the counts
# objective, 11.0 V with the original's ln(norm) least squares (which this
# test must fail); U_surface within 1 sigma 72 %.
set -u
. "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PY=python3
expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/sim" --start 1998-04-03 --days 2 --seed 7 -q
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$TMP/sim" --output-dir "$TMP/out" -q
expect_rc 0 "$LPMAP_BIN" simulate --compare "$TMP/out/potential_batch_all.npz" \
    --truth "$TMP/sim/truth.csv" --json
J=$OUT
field() { printf '%s\n' "$J" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
within() { "$PY" -c "import sys; sys.exit(not ($2 <= $1 <= $3))"; }
check "shadowed U_surface median |err| $(field u_surface_shadow_abs_err_median_v) V <= 9.5 V" \
    within "$(field u_surface_shadow_abs_err_median_v)" 0 9.5
check "sunlit U_surface median |err| $(field u_surface_sunlit_abs_err_median_v) V <= 2 V" \
    within "$(field u_surface_sunlit_abs_err_median_v)" 0 2
check "U_surface within 1 sigma $(field u_surface_within_1sigma) in 0.55-0.82" \
    within "$(field u_surface_within_1sigma)" 0.55 0.82
check "U_surface within 3 sigma $(field u_surface_within_3sigma) >= 0.9" \
    within "$(field u_surface_within_3sigma)" 0.9 1
check "$(field u_surface_shadow_compared) >= 300 shadowed sweeps compared" \
    within "$(field u_surface_shadow_compared)" 300 100000
finish
