#!/usr/bin/env bash
# lpmap batch end to end (docs/batch.md, docs/npz.md,
# docs/decisions.md): a small simulated dataset; every NPZ key, dtype and
# length (NumPy); existing output left untouched; --overwrite; the QC keys;
# --u-spacecraft; the one-line errors (no data, theta, kernels, LSK,
# attitude, unwritable output) leave no output; no files matched → 0; a
# corrupted day in the middle is skipped and named; SIGINT → 130, SIGTERM
# → 143, no output.
set -u
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
PY=""
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import numpy' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "FAIL: no Python with NumPy (a test dependency: scripts/install-deps.sh)"; exit 1; }
npz_check() { # npz_check NPZ [args]: docs/npz.md checks, when NumPy is there
    if [ -n "$PY" ]; then check "NPZ contents of $1 ($*)" "$PY" "$HERE/check_batch_npz.py" "$@"; fi
}

D="$TMP/data"
expect_rc 0 "$LPMAP_BIN" simulate --out "$D" --start 1998-04-01 --days 3 --sweeps-per-day 8 \
    --seed 5 -q
if [ ! -f "$D/theta.tab" ]; then
    echo "FAIL: lpmap simulate did not produce a dataset: $OUT"
    exit 1
fi

# --- a normal run: every key, dtype, length
O="$TMP/out"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O"
expect_out "summary: 3 of 3 files read \(0 failed\)"
expect_out "wall time: setup"
F="$O/potential_batch_all.npz"
check "NPZ written" test -s "$F"
npz_check "$F" --expect-sweeps 24 --polish-starts 4
check "no temporary file left" test "$(ls -A "$O" | wc -l)" -eq 1

# --- the reference physics: the original's U_sc, no sigmas; the
# consistent-only option with it is a usage error that writes nothing
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/oref" --physics reference
npz_check "$TMP/oref/potential_batch_all.npz" --expect-sweeps 24
if [ -n "$PY" ]; then
    check "meta_physics reference / consistent" "$PY" -c "
import numpy as np, sys
r = np.load('$TMP/oref/potential_batch_all.npz'); c = np.load('$F')
sys.exit(0 if str(r['meta_physics']) == 'reference' and str(c['meta_physics']) == 'consistent'
         and np.isfinite(c['spec_spacecraft_potential_sigma']).any() else 1)"
fi
expect_rc 2 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/oref2" --physics reference \
    --usc-reject-phi 10
check "no output after a usage error" test ! -e "$TMP/oref2"

# --- existing output without --overwrite: the same run is skipped (exit 0,
# file untouched); other settings are an error naming them (file untouched)
cp -p "$F" "$TMP/before.npz"
touch -d '2000-01-01 00:00:00' "$F"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O"
expect_out "already exists with the same inputs and settings; left untouched"
check "existing output untouched (bytes)" cmp -s "$F" "$TMP/before.npz"
check "existing output untouched (mtime)" test "$(stat -c %Y "$F")" = "$(date -d '2000-01-01 00:00:00' +%s)"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O" --seed 9
expect_out "^lpmap batch: .*potential_batch_all.npz exists but was made from other inputs or settings \(setting.seed: 42 → 9\); use --overwrite"
check "other settings: output untouched (bytes)" cmp -s "$F" "$TMP/before.npz"
check "other settings: output untouched (mtime)" test "$(stat -c %Y "$F")" = "$(date -d '2000-01-01 00:00:00' +%s)"
# the inputs are part of what is compared: without them it is an error
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$TMP/nowhere" --output-dir "$O"
expect_out "data folder .*nowhere does not exist"
check "missing inputs: output untouched" cmp -s "$F" "$TMP/before.npz"
# --overwrite replaces it
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O" --overwrite --seed 9
check "--overwrite rewrote the file" test "$(stat -c %Y "$F")" != "$(date -d '2000-01-01 00:00:00' +%s)"

# --- date filter names the file; QC keys with lillis; constant U_sc;
# docs/physics.md's optimizer without the polish
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O" --year 1998 --month 4 --day 2 \
    --losscone-fit-method lillis --emit-u-width-qc --u-spacecraft 4.5 --no-polish
F2="$O/potential_batch_1998_04_02.npz"
check "day file name" test -s "$F2"
npz_check "$F2" --qc --u-spacecraft 4.5 --expect-sweeps 8 --polish-starts 0
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O" --year 1998 --month 4 \
    --u-spacecraft 3
check "month file name" test -s "$O/potential_batch_1998_04.npz"
npz_check "$O/potential_batch_1998_04.npz" --u-spacecraft 3 --expect-sweeps 24

# --- status codes (issue #15): kernels that end on 1998-04-03 00:00 leave the
# third day without geometry -> status 1 (no_geometry) for exactly its sweeps,
# while rows_et still comes from the leap seconds
G="$TMP/nogeo"
expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/kshort" --start 1998-03-30 --days 2 --sweeps-per-day 1 --seed 5 -q
mkdir -p "$G"
cp -r "$D/theta.tab" "$D/attitude.tab" "$D/1998" "$G/"
cp -r "$TMP/kshort/spice_kernels" "$G/"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$G" --output-dir "$TMP/og"
expect_out "rows without geometry: 120"
npz_check "$TMP/og/potential_batch_all.npz" --expect-sweeps 24
if [ -n "$PY" ]; then
    check "the day without kernels has status no_geometry, the others not" "$PY" -c "
import numpy as np, sys
z = np.load('$TMP/og/potential_batch_all.npz')
utc = z['rows_utc']; st = z['rows_status']
late = np.array([u.startswith('1998-04-03') for u in utc])
name = z['meta_status_names'][1]
ok = late.sum() == 120 and np.all(st[late] == 1) and np.all(st[~late] != 1) and name == 'no_geometry'
ok = ok and np.all(np.isfinite(z['rows_et'])) and np.all(np.isnan(z['rows_spacecraft_potential'][late]))
sys.exit(0 if ok else 1)"
fi

# --- sweeps in descending spec_no inside a file: rows keep input order,
# spectra come out ascending
R="$TMP/reversed"
mkdir -p "$R/1998/091_120APR"
cp -r "$D/theta.tab" "$D/attitude.tab" "$D/spice_kernels" "$R/"
awk '{print $4 "\t" NR "\t" $0}' "$D/1998/091_120APR/3D980401.TAB" | sort -t "$(printf '\t')" -k1,1nr -k2,2n |
    cut -f3- >"$R/1998/091_120APR/3D980401.TAB"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$R" --output-dir "$TMP/or" --u-spacecraft 2
npz_check "$TMP/or/potential_batch_all.npz" --u-spacecraft 2 --expect-sweeps 8
if [ -n "$PY" ]; then
    check "rows keep the input (descending) order" "$PY" -c "
import numpy as np, sys
s = np.load('$TMP/or/potential_batch_all.npz')['rows_spec_no']
sys.exit(0 if s[0] > s[-1] else 1)"
fi

# --- no files matched: exit 0 with a message, no output
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/o_none" --year 1999 --month 1
expect_out "no ER files .* matched"
check "no output when nothing matched" test ! -e "$TMP/o_none/potential_batch_1999_01.npz"

# --- errors: one line, exit 1, no output
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$TMP/nowhere" --output-dir "$TMP/o1"
expect_out "^lpmap batch: data folder .*nowhere does not exist"
check "no output folder after a missing data dir" test ! -e "$TMP/o1"

mkdir -p "$TMP/nt" && cp -r "$D/1998" "$D/attitude.tab" "$D/spice_kernels" "$TMP/nt/"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$TMP/nt" --output-dir "$TMP/o2"
expect_out "cannot open theta table .*theta.tab: not found"
check "one line" test "$(printf '%s\n' "$OUT" | grep -c 'lpmap batch:')" -eq 1

mkdir -p "$TMP/emptyk"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$D" --kernels "$TMP/emptyk" --output-dir "$TMP/o2"
expect_out "no SPICE kernels .* in .*emptyk"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$D" --kernels "$TMP/nokdir" --output-dir "$TMP/o2"
expect_out "SPICE kernels: folder .*nokdir not found"
mkdir -p "$TMP/nolsk" && cp "$D"/spice_kernels/*.bsp "$D"/spice_kernels/*.tpc "$TMP/nolsk/"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$D" --kernels "$TMP/nolsk" --output-dir "$TMP/o2"
expect_out "no leap-second kernel"

mkdir -p "$TMP/na" && cp -r "$D/1998" "$D/theta.tab" "$D/spice_kernels" "$TMP/na/"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$TMP/na" --output-dir "$TMP/o2"
expect_out "cannot open attitude table .*attitude.tab: not found"
check "no output after input errors" test ! -e "$TMP/o2/potential_batch_all.npz"

touch "$TMP/plainfile"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/plainfile/sub"
expect_out "cannot create output folder"
if [ "$(id -u)" != 0 ]; then
    mkdir -p "$TMP/ro" && chmod 555 "$TMP/ro"
    expect_rc 1 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/ro"
    expect_out "output folder .*ro is not writable"
    check "nothing written in a read-only folder" test -z "$(ls -A "$TMP/ro")"
fi

# --- a corrupted day in the middle of the month: the rest completes, the file is named
C="$TMP/corrupt"
cp -r "$D" "$C"
MID="$C/1998/091_120APR/3D980402.TAB"
head -c 3000 /dev/urandom | tr -d '\n' >"$MID"
printf '\n@@@ not a table @@@\n' >>"$MID"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$C" --output-dir "$TMP/oc"
expect_out "3D980402.TAB"
expect_out "problems in: 3D980402.TAB \(1 bad sweeps\)"
check "output despite the corrupted day" test -s "$TMP/oc/potential_batch_all.npz"
npz_check "$TMP/oc/potential_batch_all.npz" --expect-sweeps 16

# --- SIGINT during a run: exit 130, no output, no temporary file
B="$TMP/big"
"$LPMAP_BIN" simulate --out "$B" --start 1998-04-01 --days 4 --sweeps-per-day 1080 -q
mkdir -p "$TMP/oi"
# One thread and four days, and the signal once the first day is under way
# (not after a fixed sleep: a fast machine finishes a small run first).
wait_for_day1() {
    for _ in $(seq 1 200); do grep -q '\[1/4\]' "$1" 2>/dev/null && return; sleep 0.05; done
}
"$LPMAP_BIN" batch --data-dir "$B" --output-dir "$TMP/oi" --threads 1 >"$TMP/int.log" 2>&1 &
PID=$!
wait_for_day1 "$TMP/int.log"
kill -INT "$PID"
wait "$PID"
RC=$?
OUT=$(cat "$TMP/int.log")
LAST="batch interrupted by SIGINT"
check "SIGINT: exit 130 (got $RC)" test "$RC" -eq 130
expect_out "interrupted; no output written"
check "SIGINT: output folder empty" test -z "$(ls -A "$TMP/oi")"
# SIGTERM: the same
"$LPMAP_BIN" batch --data-dir "$B" --output-dir "$TMP/ot" --threads 1 >"$TMP/term.log" 2>&1 &
PID=$!
wait_for_day1 "$TMP/term.log"
kill -TERM "$PID"
wait "$PID"
RC=$?
check "SIGTERM: exit 143 (got $RC)" test "$RC" -eq 143
check "SIGTERM: no output" test ! -e "$TMP/ot/potential_batch_all.npz"
check "SIGTERM: no temporary file" test -z "$(ls -A "$TMP/ot" 2>/dev/null)"

finish
