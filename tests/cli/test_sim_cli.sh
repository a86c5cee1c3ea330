#!/usr/bin/env bash
# lpmap simulate (docs/simulate.md, docs/formats.md §1-§4, §7): the dataset
# layout, byte-identical output for a seed whatever the thread count, the
# truth file's columns, refusal of a non-empty folder and of bad values.
set -u
. "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# bad values: one line, exit 2, nothing written
expect_rc 2 "$LPMAP_BIN" simulate
expect_out "--out DIR is required"
expect_rc 2 "$LPMAP_BIN" simulate --out "$TMP/a" --days 0
expect_out "invalid value for --days"
expect_rc 2 "$LPMAP_BIN" simulate --out "$TMP/a" --start 1998-02-30
expect_out "no such date: 1998-02-30"
expect_rc 2 "$LPMAP_BIN" simulate --out "$TMP/a" --start yesterday
expect_out "invalid --start 'yesterday'"
expect_rc 2 "$LPMAP_BIN" simulate --out "$TMP/a" --start 1998-4-1
expect_out "invalid --start '1998-4-1': expected YYYY-MM-DD"
check "nothing written for a bad --start" test ! -e "$TMP/a"
expect_rc 2 "$LPMAP_BIN" simulate --out "$TMP/a" --sweeps-per-day x
expect_out "not an integer"
expect_rc 2 "$LPMAP_BIN" simulate --out "$TMP/a" --bogus
expect_out "unknown or incomplete option '--bogus'"
expect_rc 2 "$LPMAP_BIN" simulate --out "$TMP/a" --days
expect_out "needs a value"
check "no output after usage errors" test ! -e "$TMP/a"

expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/a" --start 1998-12-31 --days 2 --sweeps-per-day 40 --seed 7 --threads 1
check "ER file of day 1" test -s "$TMP/a/1998/335_365DEC/3D981231.TAB"
check "ER file of day 2" test -s "$TMP/a/1999/001_031JAN/3D990101.TAB"
check "theta.tab" test -s "$TMP/a/theta.tab"
check "attitude.tab" test -s "$TMP/a/attitude.tab"
check "kernels" test -s "$TMP/a/spice_kernels/sim_leapseconds.tls" -a -s "$TMP/a/spice_kernels/sim_moon_pck00011.tpc" -a -s "$TMP/a/spice_kernels/sim_ephemeris.bsp" -a -s "$TMP/a/spice_kernels/sim_lp_orbit.bsp"
check "no temporary files left" test -z "$(find "$TMP/a" -name '*.tmp.*')"
check "theta.tab holds 88 values" test "$(wc -l <"$TMP/a/theta.tab")" -eq 88
# 40 sweeps x 15 rows per file, 183 fields per row
check "600 rows per file" test "$(wc -l <"$TMP/a/1998/335_365DEC/3D981231.TAB")" -eq 600
check "183 fields per row" test "$(awk '{print NF}' "$TMP/a/1999/001_031JAN/3D990101.TAB" | sort -u)" = "183"
check "truth header" test "$(head -1 "$TMP/a/truth.csv")" = "spec_no,utc,footpoint_lat,footpoint_lon,polarity,u_surface,bs_over_bm,beam_amp,u_spacecraft,density,kappa,te_ev,spacecraft_in_sun,footpoint_in_sun,plasma,core_density,core_te_ev,kappa_density,kappa_te_ev"
check "one truth line per sweep" test "$(wc -l <"$TMP/a/truth.csv")" -eq 81
check "19 truth columns" test "$(awk -F, '{print NF}' "$TMP/a/truth.csv" | sort -u)" = "19"
check "default plasma is kappa" test "$(awk -F, 'NR>1 {print $15}' "$TMP/a/truth.csv" | sort -u)" = "kappa"
check "simulation.json records the plasma" grep -q '"plasma": "kappa"' "$TMP/a/simulation.json"
check "truth utc is the first row's" test "$(sed -n 2p "$TMP/a/truth.csv" | cut -d, -f2)" = "$(head -1 "$TMP/a/1998/335_365DEC/3D981231.TAB" | cut -d' ' -f1)"
check "spec_no restarts per file" test "$(head -1 "$TMP/a/1999/001_031JAN/3D990101.TAB" | awk '{print $4}')" = "1"
check "no footpoint -> NaN" test -z "$(awk -F, 'NR>1 && $5==0 && $3!="NaN"' "$TMP/a/truth.csv")"

# same seed, other thread count: byte-identical; other seed: different
expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/b" --start 1998-12-31 --days 2 --sweeps-per-day 40 --seed 7 --threads 2 -q
check "same seed gives byte-identical files" diff -r "$TMP/a" "$TMP/b"
expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/c" --start 1998-12-31 --days 2 --sweeps-per-day 40 --seed 8 -q
differ() { ! cmp -s "$1" "$2"; }
check "another seed gives other flux" differ "$TMP/a/1999/001_031JAN/3D990101.TAB" "$TMP/c/1999/001_031JAN/3D990101.TAB"
# a day does not depend on the simulated range
expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/d" --start 1999-01-01 --days 1 --sweeps-per-day 40 --seed 7 -q
check "a day file does not depend on the range" cmp "$TMP/a/1999/001_031JAN/3D990101.TAB" "$TMP/d/1999/001_031JAN/3D990101.TAB"

# core-halo: solar-wind sweeps get a Maxwellian core + kappa halo (total n and
# effective T_e in density/te_ev), recorded in simulation.json; thread-independent
expect_rc 2 "$LPMAP_BIN" simulate --out "$TMP/h" --plasma maxwell
expect_out "invalid --plasma 'maxwell' .kappa or core-halo."
check "no output after a bad --plasma" test ! -e "$TMP/h"
expect_rc 2 "$LPMAP_BIN" simulate --compare x.npz --truth y.csv --plasma kappa
expect_out "--plasma makes no sense with --compare"
expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/h" --plasma core-halo --start 1998-12-18 --days 1 --sweeps-per-day 40 --seed 7 --threads 1 -q
expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/i" --plasma core-halo --start 1998-12-18 --days 1 --sweeps-per-day 40 --seed 7 --threads 2 -q
check "core-halo: byte-identical whatever the threads" diff -r "$TMP/h" "$TMP/i"
check "core-halo: simulation.json records it" grep -q '"plasma": "core-halo"' "$TMP/h/simulation.json"
check "core-halo: solar-wind sweeps are core-halo" test "$(awk -F, 'NR>1 && $15=="core-halo"' "$TMP/h/truth.csv" | wc -l)" -gt 20
check "core-halo: n = core + halo, core most of n" test -z "$(awk -F, 'NR>1 && $15=="core-halo" { d = $10 - $16 - $18; if (d < 0) d = -d; if (d > 1e-5 * $10 || $16 < 0.9 * $10) print }' "$TMP/h/truth.csv")"
check "core-halo: core 10-25 eV, T_eff between core and halo" test -z "$(awk -F, 'NR>1 && $15=="core-halo" { if ($17 < 10 || $17 > 25 || $12 <= $17 || $12 >= $19) print }' "$TMP/h/truth.csv")"
check "core-halo: kappa sweeps keep core 0" test -z "$(awk -F, 'NR>1 && $15=="kappa" && ($16 != 0 || $17 != "NaN")' "$TMP/h/truth.csv")"
expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/k" --start 1998-12-18 --days 1 --sweeps-per-day 40 --seed 7 -q
check "core-halo changes the solar-wind flux" differ "$TMP/h/1998/335_365DEC/3D981218.TAB" "$TMP/k/1998/335_365DEC/3D981218.TAB"
# end to end: batch reads the core-halo files (never simulation.json) and the
# comparison reports the run's plasma and the issue #15 figures
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$TMP/h" --output-dir "$TMP/hb"
expect_rc 0 "$LPMAP_BIN" simulate --compare "$TMP/hb/potential_batch_all.npz" --truth "$TMP/h/truth.csv"
expect_out "plasma: core-halo \(40 core-halo sweeps matched\)"
expect_out "U_sc for [0-9.]+% of [0-9]+ sweeps with a finite truth; U_surface for [0-9.]+% of [0-9]+ sweeps with a footpoint"
rm "$TMP/h/simulation.json"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$TMP/h" --output-dir "$TMP/hb2"
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
    check "batch output does not depend on simulation.json" /usr/bin/python3 -c "
import numpy as np, sys
a, b = np.load('$TMP/hb/potential_batch_all.npz'), np.load('$TMP/hb2/potential_batch_all.npz')
keys = [k for k in a.files if k.startswith(('rows_', 'spec_'))]
sys.exit(0 if keys and all(np.array_equal(a[k], b[k], equal_nan=a[k].dtype.kind == 'f') for k in keys) else 1)"
fi

# an existing non-empty folder is refused without --overwrite, untouched
before=$(cksum <"$TMP/a/truth.csv")
expect_rc 2 "$LPMAP_BIN" simulate --out "$TMP/a" --days 1 --sweeps-per-day 10
expect_out "not empty; use --overwrite"
check "refused folder untouched" test "$(cksum <"$TMP/a/truth.csv")" = "$before"
expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/a" --start 1998-12-31 --days 1 --sweeps-per-day 10 --overwrite -q
check "--overwrite replaces truth.csv" test "$(wc -l <"$TMP/a/truth.csv")" -eq 11
# Ctrl-C: stops after the day in progress, exits 130, leaves no
# temporary file and no truth.csv (the truth of a partial run is not written)
"$LPMAP_BIN" simulate --out "$TMP/int" --days 200 --sweeps-per-day 400 -q 2>/dev/null &
pid=$!
for _ in $(seq 50); do [ -e "$TMP/int/spice_kernels/sim_lp_orbit.bsp" ] && break; sleep 0.1; done
sleep 0.3
kill -INT "$pid"
wait "$pid"
rc=$?
check "interrupted simulate exits 130 (got $rc)" test "$rc" -eq 130
check "no temporary files after an interrupt" test -z "$(find "$TMP/int" -name '*.tmp.*')"
check "no truth.csv after an interrupt" test ! -e "$TMP/int/truth.csv"
# an output path that is a file
: >"$TMP/file"
expect_rc 2 "$LPMAP_BIN" simulate --out "$TMP/file" --days 1
expect_out "is not a folder"
# an unwritable place
if [ "$(id -u)" -ne 0 ]; then
    mkdir -p "$TMP/ro" && chmod 555 "$TMP/ro"
    expect_rc 1 "$LPMAP_BIN" simulate --out "$TMP/ro/x" --days 1 --sweeps-per-day 5
    expect_out "cannot create folder"
    chmod 755 "$TMP/ro"
fi
finish
