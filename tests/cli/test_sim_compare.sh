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
"$PY" - "$TMP/ok.npz" "$TMP/bad.npz" <<'PYEOF'
import sys
import numpy as np
def make(path, lat4, pol2):
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
             meta_device=np.array("cpu", "<U64"))
make(sys.argv[1], 45.005, -1)
make(sys.argv[2], 45.02, 1)
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
finish
