#!/usr/bin/env bash
# End to end, the consistent U_sc in a solar wind whose cool core the ER
# cannot see (`simulate --plasma core-halo`; docs/physics-modes.md "Unseen
# core", issue #15) and in the kappa plasma it must not disturb: two days on
# seed 7 (never used for tuning; development was on seed 42).
# Measured when written (1998-04-03, 2 days, 807 shadowed sweeps): core-halo
# shadowed U_sc median |error| 12.4 V with the core prior (81.6 % within
# 1 sigma, 97.9 % within 3), 39.7 V with --usc-core-prior off (27.9 % within
# 1 sigma: over-confident, which this test must fail); shadowed U_surface
# 10.9 V vs 26.9 V; sunlit U_sc for every sweep with the interval fallback
# (~88 % before). With f and r fitted (docs/decisions.md "Unseen core: f and
# r fitted"): shadowed U_sc 4.1 V (75.2 % within 1 sigma, 94.6 % within 3),
# U_surface 7.8 V.
set -u
. "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
need_numpy
SCI="$(dirname "$0")/usc_science.py"
within() { "$PY" -c "import sys; sys.exit(not ($2 <= $1 <= $3))"; }
field() { printf '%s\n' "$1" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['$2'])"; }

expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/ch" --start 1998-04-03 --days 2 --seed 7 \
    --plasma core-halo -q
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$TMP/ch" --output-dir "$TMP/on" -q
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$TMP/ch" --output-dir "$TMP/off" -q \
    --usc-core-prior off
ON=$("$PY" "$SCI" "$TMP/on/potential_batch_all.npz" "$TMP/ch/truth.csv")
OFF=$("$PY" "$SCI" "$TMP/off/potential_batch_all.npz" "$TMP/ch/truth.csv")
f() { field "$ON" "$1"; }
check "core-halo: $(f shadow_n) >= 200 shadowed sweeps" within "$(f shadow_n)" 200 100000
check "core-halo shadowed U_sc within 1 sigma $(f shadow_usc_within_1sigma) in 0.55-0.95" \
    within "$(f shadow_usc_within_1sigma)" 0.55 0.95
check "core-halo shadowed U_sc within 3 sigma $(f shadow_usc_within_3sigma) >= 0.9" \
    within "$(f shadow_usc_within_3sigma)" 0.9 1
check "core-halo shadowed U_surface within 3 sigma $(f shadow_usurf_within_3sigma) >= 0.9" \
    within "$(f shadow_usurf_within_3sigma)" 0.9 1
# f and r fitted (docs/decisions.md "Unseen core: f and r fitted"): with
# them fixed at the published medians this was 12.4 V
check "core-halo shadowed U_sc median |err| $(f shadow_usc_abs_err_median) V <= 7 V" \
    within "$(f shadow_usc_abs_err_median)" 0 7
check "core-halo shadowed U_surface median |err| $(f shadow_usurf_abs_err_median) V <= 16 V" \
    within "$(f shadow_usurf_abs_err_median)" 0 16
check "core-halo sunlit U_sc coverage $(f sunlit_usc_coverage) >= 0.97" \
    within "$(f sunlit_usc_coverage)" 0.97 1
check "prior off: shadowed U_sc median |err| $(field "$OFF" shadow_usc_abs_err_median) V > 25 V" \
    within "$(field "$OFF" shadow_usc_abs_err_median)" 25 1e9
expect_rc 0 "$PY" -c "
import numpy as np, sys
a = np.load('$TMP/on/potential_batch_all.npz'); b = np.load('$TMP/off/potential_batch_all.npz')
sys.exit(not (str(a['meta_usc_core_prior']) == 'on' and str(b['meta_usc_core_prior']) == 'off'
              and (a['spec_spacecraft_potential_method'] == 1).sum() > 100
              and (b['spec_spacecraft_potential_method'] == 1).sum() == 0))"

# the kappa plasma: the prior must leave its figures within target
expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/k" --start 1998-04-03 --days 2 --seed 7 -q
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$TMP/k" --output-dir "$TMP/ko" -q
K=$("$PY" "$SCI" "$TMP/ko/potential_batch_all.npz" "$TMP/k/truth.csv")
k() { field "$K" "$1"; }
check "kappa shadowed U_sc median rel. err $(k shadow_usc_rel_err_median) <= 0.15" \
    within "$(k shadow_usc_rel_err_median)" 0 0.15
check "kappa sunlit U_sc median |err| $(k sunlit_usc_abs_err_median) V <= 1 V" \
    within "$(k sunlit_usc_abs_err_median)" 0 1
check "kappa shadowed U_sc within 1 sigma $(k shadow_usc_within_1sigma) in 0.55-0.82" \
    within "$(k shadow_usc_within_1sigma)" 0.55 0.82
check "kappa U_sc coverage $(k shadow_usc_coverage) / $(k sunlit_usc_coverage) >= 0.9" \
    within "$("$PY" -c "print(min($(k shadow_usc_coverage), $(k sunlit_usc_coverage)))")" 0.9 1
finish
