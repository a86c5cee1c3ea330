#!/usr/bin/env bash
# Fail loudly, never silently (issue 16): runs that produce nothing usable
# are errors; duplicate and misdated day files are named; resume compares a
# fingerprint of inputs and settings; a folder or foreign file at the output
# path is refused before any work; impossible dates are usage errors; every
# subcommand takes -q/-v and prints its fatal error as "lpmap CMD: ...";
# plot creates its output folder; --fast-only flags warn; download --dry-run
# answers at once offline; batch --help has examples. Each case checks the
# exit code, the message and that no output was written or changed.
set -u
. "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PY=""
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import numpy' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "FAIL: no Python with NumPy (a test dependency: scripts/install-deps.sh)"; exit 1; }
npz_value() { # npz_value NPZ KEY: print a scalar of the NPZ
    "$PY" -c "import numpy as np,sys; print(np.load(sys.argv[1])[sys.argv[2]][()])" "$1" "$2"
}

D="$TMP/data"
expect_rc 0 "$LPMAP_BIN" simulate --out "$D" --start 1998-04-01 --days 3 --sweeps-per-day 8 \
    --seed 5 -q
[ -f "$D/theta.tab" ] || { echo "FAIL: lpmap simulate did not produce a dataset: $OUT"; exit 1; }
DAYDIR=1998/091_120APR
copy_tables() { # copy_tables DEST: theta, attitude and kernels of the dataset, no day files
    mkdir -p "$1/$DAYDIR" && cp -r "$D/theta.tab" "$D/attitude.tab" "$D/spice_kernels" "$1/"
}

# --- 1. every day file unreadable: exit 1, one line naming the files, no NPZ
J="$TMP/junk"
copy_tables "$J"
head -c 3000 /dev/urandom >"$J/$DAYDIR/3D980401.TAB"
printf 'hello\n' >"$J/$DAYDIR/3D980402.TAB"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$J" --output-dir "$TMP/o1"
expect_out "^lpmap batch: no sweep could be read from the 2 matched ER files \(3D980401.TAB .*3D980402.TAB .*\); nothing written$"
check "junk input: no NPZ" test -z "$(ls -A "$TMP/o1" 2>/dev/null)"
# only empty files: the same
E="$TMP/empty"
copy_tables "$E"
: >"$E/$DAYDIR/3D980401.TAB"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$E" --output-dir "$TMP/o1e"
expect_out "^lpmap batch: no sweep could be read from the 1 matched ER file \("
check "empty input: no NPZ" test -z "$(ls -A "$TMP/o1e" 2>/dev/null)"
# a partial run (one junk file among good ones) still writes, exit 0, and says so
P="$TMP/partial"
cp -r "$D" "$P"
head -c 3000 /dev/urandom | tr -d '\n' >"$P/$DAYDIR/3D980402.TAB"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$P" --output-dir "$TMP/o1p"
expect_out "problems in: 3D980402.TAB"
check "partial run: NPZ written" test -s "$TMP/o1p/potential_batch_all.npz"
if [ -n "$PY" ]; then
    check "partial run: meta_problem_files names the file" "$PY" -c "
import numpy as np, sys
z = np.load('$TMP/o1p/potential_batch_all.npz')
sys.exit(0 if any('3D980402.TAB' in s for s in z['meta_problem_files']) else 1)"
fi
# --strict: the bad file is fatal, nothing written
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$P" --output-dir "$TMP/o1s" --strict
expect_out "^lpmap batch: 3D980402.TAB"
check "strict: no NPZ" test ! -e "$TMP/o1s/potential_batch_all.npz"

# --- 2. the LP orbit kernel missing: no row has geometry → exit 1, names the kernels
K="$TMP/noorbit"
cp -r "$D" "$K"
rm "$K/spice_kernels/sim_lp_orbit.bsp"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$K" --output-dir "$TMP/o2"
expect_out "^lpmap batch: none of the 24 sweeps has geometry \(no ephemeris for body -25 .*\); check that the kernels in .*noorbit/spice_kernels \(sim_ephemeris.bsp, sim_leapseconds.tls, sim_moon_pck00011.tpc\) cover the data"
check "no orbit kernel: no NPZ" test -z "$(ls -A "$TMP/o2" 2>/dev/null)"
# an attitude table that does not cover the data: the same
A="$TMP/att"
cp -r "$D" "$A"
printf 'UTC, RPM, RA, DEC\n1998-05-01T00:00:00.000, 11.9, 85.0, 88.5\n1998-05-02T00:00:00.000, 11.9, 85.0, 88.5\n' >"$A/attitude.tab"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$A" --output-dir "$TMP/o2a"
expect_out "^lpmap batch: none of the 24 sweeps has geometry \(no attitude for ET .*attitude.tab does \(1998-05-01T00:00:00.000 to 1998-05-02T00:00:00.000\); nothing written$"
check "attitude gap: no NPZ" test -z "$(ls -A "$TMP/o2a" 2>/dev/null)"

# --- 3. the same day twice (a backup/ copy): kept once, warning names both files
U="$TMP/dup"
cp -r "$D" "$U"
mkdir -p "$U/backup" && cp -p "$D/$DAYDIR/3D980402.TAB" "$U/backup/"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$U" --output-dir "$TMP/o3"
expect_out "warning: .*dup/backup/3D980402.TAB: 8 of 8 sweeps were already read from .*dup/$DAYDIR/3D980402.TAB \(same UTC and spec_no\); each is kept once"
expect_out "summary: 4 of 4 files read \(0 failed\), 360 rows, 24 sweeps"
if [ -n "$PY" ]; then
    check "duplicates: 24 sweeps in the NPZ" test "$(npz_value "$TMP/o3/potential_batch_all.npz" meta_sweeps_total)" = 24
    check "duplicates: meta_sweeps_dropped_duplicate = 8" test "$(npz_value "$TMP/o3/potential_batch_all.npz" meta_sweeps_dropped_duplicate)" = 8
fi
# a file named for 5 April holding 1 April data: warned, content dates kept
M="$TMP/misdated"
copy_tables "$M"
cp "$D/$DAYDIR/3D980401.TAB" "$M/$DAYDIR/3D980405.TAB"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$M" --output-dir "$TMP/o3m"
expect_out "warning: .*misdated/$DAYDIR/3D980405.TAB: 8 of 8 sweeps are dated 1998-04-01, not 1998-04-05 as the file name says"
if [ -n "$PY" ]; then
    check "misdated: rows keep their own dates" "$PY" -c "
import numpy as np, sys
z = np.load('$TMP/o3m/potential_batch_all.npz')
sys.exit(0 if all(u.startswith('1998-04-01') for u in z['rows_utc']) and int(z['meta_files_misdated']) == 1 else 1)"
fi

# --- 4. resume that knows what it resumes
O="$TMP/o4"
F="$O/potential_batch_all.npz"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O"
check "resume: first run wrote" test -s "$F"
if [ -n "$PY" ]; then
    check "meta_fingerprint is the SHA-1 of meta_fingerprint_text" "$PY" -c "
import numpy as np, hashlib, re, sys
z = np.load('$F')
t = str(z['meta_fingerprint_text'][()]); h = str(z['meta_fingerprint'][()])
lines = t.splitlines()
ok = h == hashlib.sha1(t.encode()).hexdigest() and lines[0].startswith('version=')
ok = ok and len([l for l in lines if re.fullmatch('source=[0-9a-f]{16}', l)]) == 1
ok = ok and any(l.startswith('setting.losscone_fit_method=halekas') for l in lines)
ok = ok and any(l.startswith('input.$DAYDIR/3D980401.TAB=size ') for l in lines)
ok = ok and any(l.startswith('kernel.sim_lp_orbit.bsp=size ') for l in lines)
sys.exit(0 if ok else 1)"
fi
touch -d '2000-01-01 00:00:00' "$F"
cp -p "$F" "$TMP/before.npz"
same_as_before() { cmp -s "$F" "$TMP/before.npz" && test "$(stat -c %Y "$F")" = "$(stat -c %Y "$TMP/before.npz")"; }
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O"
expect_out "already exists with the same inputs and settings; left untouched"
expect_no_out "wrote "
check "same fingerprint: untouched" same_as_before
# the same folder written another way, and settings that do not change results
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D/" --output-dir "$O" --threads 1 --strict
expect_out "already exists with the same inputs and settings; left untouched"
check "same inputs, other spelling: untouched" same_as_before
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O" --losscone-fit-method lillis
expect_out "^lpmap batch: .*potential_batch_all.npz exists but was made from other inputs or settings \(setting.losscone_fit_method: halekas → lillis\); use --overwrite to replace it$"
check "other settings: untouched" same_as_before
touch -d '2001-01-01 00:00:00' "$D/$DAYDIR/3D980402.TAB"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O"
expect_out "other inputs or settings \(input.$DAYDIR/3D980402.TAB: size [0-9]+, mtime [0-9]+ → size [0-9]+, mtime 978307200\)"
check "changed input: untouched" same_as_before
mv "$D/$DAYDIR/3D980403.TAB" "$TMP/3D980403.TAB"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O"
expect_out "input.$DAYDIR/3D980403.TAB: size [0-9]+, mtime [0-9]+ → absent"
check "removed input: untouched" same_as_before
mv "$TMP/3D980403.TAB" "$D/$DAYDIR/3D980403.TAB"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O" --overwrite
expect_out "wrote .*potential_batch_all.npz"
check "--overwrite replaced it" test "$(stat -c %Y "$F")" != "$(stat -c %Y "$TMP/before.npz")"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O"
expect_out "left untouched"
# an NPZ of another build (its source id differs): refused, naming it
if [ -n "$PY" ]; then
    cp -p "$F" "$TMP/current.npz"
    "$PY" -c "
import numpy as np, hashlib, re
z = np.load('$F'); d = {k: z[k] for k in z.files}
t = re.sub('source=[0-9a-f]{16}', 'source=0123456789abcdef', str(d['meta_fingerprint_text'][()]))
d['meta_fingerprint_text'] = np.array(t); d['meta_fingerprint'] = np.array(hashlib.sha1(t.encode()).hexdigest())
np.savez('$TMP/other_build.npz', **d)"
    cp "$TMP/other_build.npz" "$F"
    cp -p "$F" "$TMP/other_before.npz"
    expect_rc 1 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$O"
    expect_out "other inputs or settings \(source: 0123456789abcdef → [0-9a-f]{16}\); use --overwrite"
    check "other build: untouched" cmp -s "$F" "$TMP/other_before.npz"
    cp -p "$TMP/current.npz" "$F"
fi
# an NPZ without a fingerprint (older lpmap, another program): refused, untouched
if [ -n "$PY" ]; then
    "$PY" -c "import numpy as np; np.savez('$TMP/old.npz', rows_spec_no=np.arange(3))"
    mkdir -p "$TMP/o4b" && cp -p "$TMP/old.npz" "$TMP/o4b/potential_batch_all.npz"
    expect_rc 1 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/o4b"
    expect_out "^lpmap batch: .*potential_batch_all.npz exists but has no fingerprint .*use --overwrite to replace it$"
    check "old NPZ untouched" cmp -s "$TMP/old.npz" "$TMP/o4b/potential_batch_all.npz"
fi

# --- 5. a folder or a non-NPZ file at the output path: exit 1 before any
# work (even with --overwrite, even when the inputs are missing)
mkdir -p "$TMP/o5/potential_batch_all.npz/inner"
for ow in "" --overwrite; do
    expect_rc 1 "$LPMAP_BIN" batch --data-dir "$TMP/nowhere" --output-dir "$TMP/o5" $ow
    expect_out "^lpmap batch: output path .*o5/potential_batch_all.npz is a folder; remove it or choose another --output-dir$"
done
check "folder at the output path unchanged" test -d "$TMP/o5/potential_batch_all.npz/inner"
check "nothing else written" test "$(ls -A "$TMP/o5")" = potential_batch_all.npz
mkdir -p "$TMP/o5f" && printf 'my notes\n' >"$TMP/o5f/potential_batch_all.npz"
for ow in "" --overwrite; do
    expect_rc 1 "$LPMAP_BIN" batch --data-dir "$TMP/nowhere" --output-dir "$TMP/o5f" $ow
    expect_out "^lpmap batch: output path .*o5f/potential_batch_all.npz exists and is not an NPZ \(.*\); it is not replaced"
done
check "foreign file unchanged" test "$(cat "$TMP/o5f/potential_batch_all.npz")" = "my notes"

# --- 6. impossible dates: usage errors (exit 2), nothing written
expect_rc 2 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/o6" --year 1998 --month 4 --day 31
expect_out "^lpmap batch: impossible date: 1998-04-31 \(month 4 has 30 days\)"
expect_rc 2 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/o6" --year 1999 --month 2 --day 29
expect_out "impossible date: 1999-02-29 \(month 2 has 28 days\)"
check "impossible dates: nothing written" test ! -e "$TMP/o6"
expect_rc 2 "$LPMAP_BIN" download --dry-run --year 1998 --month 6 --day 31 --data-dir "$TMP/o6"
expect_out "^lpmap download: impossible date: 1998-06-31"
check "download impossible date: nothing written" test ! -e "$TMP/o6"
# a real leap day is fine (no files match: exit 0)
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/o6" --year 2000 --month 2 --day 29
expect_out "no ER files .* matched"

# --- 7. --fast-only flags warn without --fast; batch --help has examples;
# the attitude header is not reported as skipped records
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/o7" --year 1999 --dtype fp32 --device 1
expect_out "warning: --dtype --device only apply with --fast \(the GPU path\); ignored"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/o7" --year 1999 --batch-size 100
expect_out "warning: --batch-size only applies with --fast"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/o7" --year 1999 --fast --dtype fp32
expect_no_out "only appl"
expect_rc 0 "$LPMAP_BIN" batch --help
expect_out "^examples:"
expect_out "lpmap batch --data-dir data --year 1998 --month 4 --fast"
expect_out "docs/npz.md"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/o7b"
expect_no_out "attitude.tab: .*skipped"

# --- 8. -q and -v on every subcommand; -q leaves warnings and errors only
expect_rc 0 "$LPMAP_BIN" batch -q --data-dir "$D" --output-dir "$TMP/o8"
check "batch -q: silent" test -z "$OUT"
check "batch -q: wrote" test -s "$TMP/o8/potential_batch_all.npz"
expect_rc 0 "$LPMAP_BIN" simulate -q --out "$TMP/o8sim" --days 1 --sweeps-per-day 2
check "simulate -q: silent" test -z "$OUT"
expect_rc 0 "$LPMAP_BIN" info -q
expect_out "^lpmap [0-9]"
expect_rc 0 "$LPMAP_BIN" info -v
expect_rc 0 "$LPMAP_BIN" spice info -q --kernels "$D/spice_kernels"
expect_rc 0 "$LPMAP_BIN" spice info -v --kernels "$D/spice_kernels"
expect_rc 0 "$LPMAP_BIN" bench -q parse --n 200
expect_no_out "info:"
expect_rc 0 "$LPMAP_BIN" bench -v parse --n 200
expect_rc 1 "$LPMAP_BIN" download -q --dry-run --year 1998 --month 4 --what er --base-url-er http://127.0.0.1:9/ --data-dir "$TMP/o8dl"
expect_rc 1 "$LPMAP_BIN" download -v --dry-run --year 1998 --month 4 --what er --base-url-er http://127.0.0.1:9/ --data-dir "$TMP/o8dl"
expect_rc 1 "$LPMAP_BIN" plot -q "$TMP/missing.npz"
expect_rc 1 "$LPMAP_BIN" plot -v "$TMP/missing.npz"

# --- 9. one error format: "lpmap CMD: message" for every subcommand
expect_rc 1 "$LPMAP_BIN" plot "$TMP/missing.npz" --out "$TMP/o9"
expect_out "^lpmap plot: .*missing.npz"
check "plot of a missing NPZ creates no folder" test ! -e "$TMP/o9"
expect_rc 1 "$LPMAP_BIN" simulate --compare "$TMP/missing.npz" --truth "$D/truth.csv"
expect_out "^lpmap simulate: --compare: "
expect_rc 1 "$LPMAP_BIN" spice pos --kernels "$D/spice_kernels" --target LP --observer MOON --frame J2000 --utc 1990-01-01T00:00:00
expect_out "^lpmap spice: "
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$TMP/nowhere" --output-dir "$TMP/o9"
expect_out "^lpmap batch: data folder"

# --- 10. download --dry-run answers at once offline: one attempt, no retries, nothing written
expect_rc 1 "$LPMAP_BIN" download --dry-run -v --year 1998 --month 4 --what er --base-url-er http://127.0.0.1:9/ --data-dir "$TMP/o10"
expect_out "^lpmap download: listing http://127.0.0.1:9/data-3deleflux/: .*\(dry run: the file lists come from the archive's index pages, which need the network\)$"
expect_no_out "retry"
check "dry run: nothing written" test ! -e "$TMP/o10"
# kernels, theta and attitude need no index: listed at once
expect_rc 0 "$LPMAP_BIN" download --dry-run --what kernels,theta,attitude --data-dir "$TMP/o10"
expect_out "spice_kernels/"
check "dry run: nothing written (2)" test ! -e "$TMP/o10"

# --- 11. plot creates its output folder (like batch)
NPZ="$TMP/o8/potential_batch_all.npz"
expect_rc 0 "$LPMAP_BIN" plot "$NPZ" --out "$TMP/o11/new/deeper" --what map
expect_out "wrote .*o11/new/deeper/potential_batch_all_map.png"
check "plot: folder created, picture written" test -s "$TMP/o11/new/deeper/potential_batch_all_map.png"
: >"$TMP/o11file"
expect_rc 1 "$LPMAP_BIN" plot "$NPZ" --out "$TMP/o11file/sub" --what map
expect_out "^lpmap plot: cannot create output folder .*o11file/sub"

finish
