#!/usr/bin/env bash
# `lpmap simulate --compare NPZ --truth CSV` (the demo's recovery summary and
# the end-to-end check): on a hand-made NPZ with known errors the figures and
# the --check verdict must be exactly the expected ones; bad inputs fail
# with a message.
set -u
. "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PY=""
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import numpy' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
    echo "SKIP: no Python with NumPy to write the test NPZ (apt-get install python3-numpy)"
    exit 77
fi
cat >"$TMP/truth.csv" <<'CSV'
spec_no,utc,footpoint_lat,footpoint_lon,polarity,u_surface,bs_over_bm,beam_amp,u_spacecraft,density,kappa,te_ev,spacecraft_in_sun,footpoint_in_sun
1,1998-04-01T00:00:17.000,10.0,179.999,1,-20.0,0.9,0.0,5.0,5e6,4.0,15.0,1,1
2,1998-04-01T00:01:37.000,-30.0,20.0,-1,-500.0,0.8,1.0,-30.0,5e6,4.0,15.0,0,0
3,1998-04-01T00:02:57.000,NaN,NaN,0,NaN,NaN,NaN,4.0,5e6,4.0,15.0,1,NaN
4,1998-04-01T00:04:17.000,45.0,-90.0,1,-40.0,0.95,0.0,6.0,5e6,4.0,15.0,1,1
CSV
# the batch result of files merged with an spec_no offset: sweeps 1, 2, 4
# (3 dropped); errors: U 10 V / 100 V / 0 V, U_sc 0.5 V / 3 V (10 %) / 0.2 V,
# sweep 4's footpoint 0.005 deg off in latitude, longitude wrapping at 180
"$PY" - "$TMP/ok.npz" "$TMP/bad.npz" "$TMP/sig.npz" <<'PYEOF'
import sys
import numpy as np
def make(path, lat4, pol2, sigma=False):
    sweeps = [(101, "1998-04-01T00:00:17.000", 10.0, -179.9995, 1, -30.0, 5.5, True, True),
              (102, "1998-04-01T00:01:37.000", -30.0, 20.0, pol2, -400.0, -33.0, False, False),
              (104, "1998-04-01T00:04:17.000", lat4, -90.0, 1, -40.0, 6.2, True, True)]
    rows = {k: [] for k in ("spec", "utc", "lat", "lon", "pol", "u", "usc", "scsun", "fsun")}
    for s in sweeps:
        for _ in range(15):
            for k, v in zip(rows, s):
                rows[k].append(v)
    np.savez(path, rows_spec_no=np.array(rows["spec"], np.int64),
             rows_utc=np.array(rows["utc"], "<U64"),
             rows_projection_latitude=np.array(rows["lat"]),
             rows_projection_longitude=np.array(rows["lon"]),
             rows_projection_polarity=np.array(rows["pol"], np.int8),
             rows_projected_potential=np.array(rows["u"]),
             rows_spacecraft_potential=np.array(rows["usc"]),
             rows_spacecraft_in_sun=np.array(rows["scsun"], bool),
             rows_projection_in_sun=np.array(rows["fsun"], bool),
             spec_spec_no=np.array([101, 102, 104], np.int64),
             spec_has_fit=np.array([True, True, True]),
             meta_device=np.array("cpu", "<U64"),
             **({"spec_spacecraft_potential_sigma": np.array([1.0, 2.0, 0.1]),
                 "spec_u_surface_sigma": np.array([5.0, 50.0, 1.0]),
                 "meta_physics": np.array("reference")} if sigma else {}))
make(sys.argv[1], 45.005, -1)
make(sys.argv[2], 45.02, 1)
make(sys.argv[3], 45.005, -1, sigma=True)
PYEOF
expect_rc 0 "$LPMAP_BIN" simulate --compare "$TMP/ok.npz" --truth "$TMP/truth.csv" --json
J=$OUT
field() { printf '%s\n' "$J" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
check "4 truth sweeps" test "$(field sweeps_truth)" = 4
check "3 NPZ sweeps matched" test "$(field sweeps_matched)" = 3
check "3 fitted" test "$(field sweeps_fitted)" = 3
check "median |dU| 10 V" test "$(field u_surface_abs_err_median_v)" = 10
check "footpoint lat error 0.005" test "$(field footpoint_lat_err_max_deg)" = 0.005
check "lon wraps at 180 (0.0015 deg x cos 10)" "$PY" -c "import sys; sys.exit(abs($(field footpoint_lon_err_max_deg) - 0.0015*0.984807753) > 1e-6)"
check "polarity agreement 1" test "$(field polarity_agreement)" = 1.0
check "usc sunlit median 0.35" test "$(field usc_sunlit_err_median_v)" = 0.35
check "shadow rel err 0.1" test "$(field usc_shadow_relerr_median)" = 0.1
check "device" test "$(field device)" = cpu
# issue #15 figures: coverage, U_surface split by illumination, plasma of a 14-column truth
check "U_sc coverage 1 (3 finite truths)" test "$(field usc_coverage)/$(field usc_truth_finite)" = "1.0/3"
check "U_surface coverage 1 (3 footpoints)" test "$(field u_surface_coverage)/$(field footpoint_sweeps)" = "1.0/3"
check "U_surface sunlit median 5 V" test "$(field u_surface_sunlit_abs_err_median_v)" = 5
check "U_surface shadowed median 100 V" test "$(field u_surface_shadow_abs_err_median_v)" = 100
check "shadow U_sc error 3 V" test "$(field usc_shadow_err_median_v)" = 3
check "U_sc bias: +0.35 V sunlit (0.5, 0.2), -3 V shadowed" test "$(field usc_sunlit_bias_median_v)/$(field usc_shadow_bias_median_v)" = "0.35/-3"
check "plasma unknown for a 14-column truth" test "$(field plasma)" = unknown
check "no sigma keys: null" test "$(field usc_within_1sigma)/$(field u_surface_sigma_compared)" = "None/0"
# sigma calibration: U_sc errors 0.5/3/0.2 V vs sigma 1/2/0.1; U errors 10/100/0 vs 5/50/1
expect_rc 0 "$LPMAP_BIN" simulate --compare "$TMP/sig.npz" --truth "$TMP/truth.csv" --json
J=$OUT
check "U_sc within 1 sigma 1/3" "$PY" -c "import sys; sys.exit(abs($(field usc_within_1sigma) - 1/3) > 1e-6)"
check "U_sc within 3 sigma 1" test "$(field usc_within_3sigma)" = 1.0
check "U_surface within 1 sigma 1/3, 3 sigma 1 (3 sweeps)" test "$(field u_surface_within_3sigma)/$(field u_surface_sigma_compared)" = "1.0/3"
check "physics from meta_physics" test "$(field physics)" = reference
expect_rc 1 "$LPMAP_BIN" simulate --compare "$TMP/sig.npz" --truth "$TMP/truth.csv" --check-targets
expect_out "TARGET MISSED: U_surface median \|err\| 5 V \(spacecraft sunlit\) > 2 V"
expect_out "TARGET MISSED: U_surface median \|err\| 100 V \(spacecraft shadowed\) > 6 V"
expect_out "TARGET MISSED: U_sc within 1 sigma 33.3% outside 55-82%"
expect_no_out "U_sc sunlit median|coverage|uncertainty keys"
expect_rc 1 "$LPMAP_BIN" simulate --compare "$TMP/ok.npz" --truth "$TMP/truth.csv" --check-targets
expect_out "no uncertainty keys in the NPZ"
expect_rc 0 "$LPMAP_BIN" simulate --compare "$TMP/sig.npz" --truth "$TMP/truth.csv"
expect_out "U_sc sigma: 33.3% within 1 sigma, 100.0% within 3 sigma \(3 sweeps\)"
expect_out "U_surface median \|err\|: 5 V spacecraft sunlit \(2\), 100 V shadowed \(1\)"
# a current truth file (19 columns) and the run's simulation.json: the plasma
# comes from the metadata, core-halo thresholds apply (no U_sc accuracy target)
mkdir -p "$TMP/ch"
{ printf '%s,plasma,core_density,core_te_ev,kappa_density,kappa_te_ev\n' "$(head -1 "$TMP/truth.csv")"
  sed -n '2,$p' "$TMP/truth.csv" | sed 's/$/,core-halo,4.7e6,12.0,3e5,60.0/'; } >"$TMP/ch/truth.csv"
printf '{"generator": "lpmap simulate", "plasma": "core-halo", "days": 1}\n' >"$TMP/ch/simulation.json"
expect_rc 0 "$LPMAP_BIN" simulate --compare "$TMP/sig.npz" --truth "$TMP/ch/truth.csv" --json
J=$OUT
check "plasma from simulation.json" test "$(field plasma)" = core-halo
check "3 core-halo sweeps matched" test "$(field sweeps_core_halo)" = 3
rm "$TMP/ch/simulation.json"
expect_rc 0 "$LPMAP_BIN" simulate --compare "$TMP/sig.npz" --truth "$TMP/ch/truth.csv" --json
J=$OUT
check "plasma from the truth column without metadata" test "$(field plasma)" = core-halo
expect_rc 1 "$LPMAP_BIN" simulate --compare "$TMP/sig.npz" --truth "$TMP/ch/truth.csv" --check-targets
expect_out "U_surface median \|err\| 5 V \(spacecraft sunlit\) > 3 V"
expect_out "outside 55-95%"
expect_no_out "U_sc shadowed median relative"
# --check: the shadow U_sc is 10 % off (median) -> exit 1 naming it; sunlit median 0.35 V passes
expect_rc 1 "$LPMAP_BIN" simulate --compare "$TMP/ok.npz" --truth "$TMP/truth.csv" --check
expect_out "U_sc shadow: median relative error 0.1 > 5% \(0 of 1 sweeps within\)"
expect_no_out "footpoint error|U_sc sunlit"
expect_rc 1 "$LPMAP_BIN" simulate --compare "$TMP/bad.npz" --truth "$TMP/truth.csv" --check
expect_out "polarity differs on 1 of 3 sweeps"
expect_out "footpoint error 0.02 deg"
# the human summary
expect_rc 0 "$LPMAP_BIN" simulate --compare "$TMP/ok.npz" --truth "$TMP/truth.csv"
expect_out "3 fitted"
expect_out "median 10.00 V"
# bad inputs
expect_rc 1 "$LPMAP_BIN" simulate --compare "$TMP/none.npz" --truth "$TMP/truth.csv"
expect_out "cannot open"
printf 'garbage\n' >"$TMP/bad.csv"
expect_rc 1 "$LPMAP_BIN" simulate --compare "$TMP/ok.npz" --truth "$TMP/bad.csv"
expect_out "header is not that of docs/formats.md"
expect_rc 1 "$LPMAP_BIN" simulate --compare "$TMP/truth.csv" --truth "$TMP/truth.csv"
expect_rc 2 "$LPMAP_BIN" simulate --compare "$TMP/ok.npz"
expect_out "go together"
# a 19-column header with a 14-field line; a sigma key of the wrong length
{ head -1 "$TMP/ch/truth.csv"; sed -n 2p "$TMP/truth.csv"; } >"$TMP/short.csv"
expect_rc 1 "$LPMAP_BIN" simulate --compare "$TMP/ok.npz" --truth "$TMP/short.csv"
expect_out "short.csv:2: expected 19 fields"
"$PY" -c "
import numpy as np
d = dict(np.load('$TMP/sig.npz'))
d['spec_u_surface_sigma'] = np.ones(2)
np.savez('$TMP/badsig.npz', **d)"
expect_rc 1 "$LPMAP_BIN" simulate --compare "$TMP/badsig.npz" --truth "$TMP/truth.csv"
expect_out "spec_u_surface_sigma has 2 entries, expected 3"
finish
