#!/usr/bin/env bash
# lpmap batch on bad input (docs/decisions.md, docs/batch.md exit codes): every
# case gives a clear one-line reason, the right exit code, and never a
# corrupt or partial output.
set -u
. "$(dirname "$0")/lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$LPMAP_BIN" simulate --out "$T/sim" --days 2 --sweeps-per-day 8 --quiet >/dev/null 2>&1 ||
    { echo "FAIL: lpmap simulate failed"; exit 1; }
OUTDIR="$T/out"
NPZ="$OUTDIR/potential_batch_all.npz"

expect_rc 1 "$LPMAP_BIN" batch --data-dir "$T/nope" --output-dir "$OUTDIR"
expect_out "data folder .*/nope does not exist"

# no files match the date filter: exit 0 with a message, nothing written
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$T/sim" --output-dir "$OUTDIR" --year 1999
expect_out "no ER files .* matched"
check "no output when nothing matched" test ! -e "$OUTDIR/potential_batch_1999.npz"

# a good run, then the same output again without --overwrite: untouched
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$T/sim" --output-dir "$OUTDIR"
expect_out "wrote .*potential_batch_all.npz"
check "output written" test -s "$NPZ"
sum1=$(md5sum <"$NPZ")
touch -d '2000-01-01' "$NPZ"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$T/sim" --output-dir "$OUTDIR"
expect_out "already exists with the same inputs and settings; left untouched"
check "existing output untouched" test "$(md5sum <"$NPZ")" = "$sum1"
check "existing output mtime kept" test "$(stat -c %Y "$NPZ")" = "$(date -d 2000-01-01 +%s)"
check "no temporary files left" test -z "$(ls -A "$OUTDIR" | grep -v '^potential_batch_all.npz$')"

# missing theta.tab / kernels / attitude: exit 1, nothing written
cp -r "$T/sim" "$T/bad"
mv "$T/bad/theta.tab" "$T/bad/theta.off"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$T/bad" --output-dir "$T/o1"
expect_out "cannot open .*theta.tab"
check "no output without theta" test ! -e "$T/o1/potential_batch_all.npz"
mv "$T/bad/theta.off" "$T/bad/theta.tab"
printf '1 2 3\n' >"$T/bad/theta.tab"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$T/bad" --output-dir "$T/o1"
expect_out "3 values, expected exactly 88"
cp "$T/sim/theta.tab" "$T/bad/theta.tab"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$T/bad" --kernels "$T/none" --output-dir "$T/o1"
expect_out "SPICE kernels"
mv "$T/bad/attitude.tab" "$T/bad/attitude.off"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$T/bad" --output-dir "$T/o1"
expect_out "cannot open attitude table"
mv "$T/bad/attitude.off" "$T/bad/attitude.tab"
# unsorted attitude table
{ head -n 2 "$T/sim/attitude.tab" | tail -n 1; head -n 1 "$T/sim/attitude.tab"; cat "$T/sim/attitude.tab"; } >"$T/bad/attitude.tab"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$T/bad" --output-dir "$T/o1"
expect_out "strictly increasing"
cp "$T/sim/attitude.tab" "$T/bad/attitude.tab"
check "no outputs from failed runs" test ! -e "$T/o1/potential_batch_all.npz"

# output folder not writable (its parent is a regular file)
touch "$T/file"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$T/sim" --output-dir "$T/file/out"
expect_out "cannot create output folder"

# a corrupted day file in the middle: the rest completes, the summary names it
first=$(find "$T/bad" -name '3D*.TAB' | sort | head -n 1)
sed -i '3s/^\(\S* \S* \S* \S*\) \S*/\1 garbage/' "$first"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$T/bad" --output-dir "$T/o2"
expect_out "$(basename "$first"):3: field 5 \(mag_x\): not a number"
expect_out "problems in: $(basename "$first") \(1 bad sweeps\)"
check "output written despite a bad sweep" test -s "$T/o2/potential_batch_all.npz"
expect_rc 1 "$LPMAP_BIN" batch --data-dir "$T/bad" --output-dir "$T/o3" --strict
expect_out "$(basename "$first"):3: field 5"
check "strict: no output" test ! -e "$T/o3/potential_batch_all.npz"

# an unreadable (empty) day file is reported, not fatal
: >"$first"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$T/bad" --output-dir "$T/o4"
expect_out "is empty"

# SIGINT mid-run: non-zero exit, nothing under the final name, no temp file
"$LPMAP_BIN" simulate --out "$T/big" --days 4 --sweeps-per-day 1080 --quiet >/dev/null 2>&1
"$LPMAP_BIN" batch --data-dir "$T/big" --output-dir "$T/o5" --threads 1 >"$T/int.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do grep -q '\[1/4\]' "$T/int.log" 2>/dev/null && break; sleep 0.05; done
kill -INT $pid
wait $pid
rc=$?
check "SIGINT exits non-zero (got $rc)" test "$rc" -ne 0
check "SIGINT: no output" test ! -e "$T/o5/potential_batch_all.npz"
check "SIGINT: no temp file" test -z "$(ls -A "$T/o5" 2>/dev/null)"
finish
