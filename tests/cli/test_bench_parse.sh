#!/usr/bin/env bash
# lpmap bench parse (docs/bench.md): one JSON object on stdout with the
# parse keys, the rows of the sweeps asked for, and no temporary file left.
. "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/t"

JSON=$(TMPDIR="$TMP/t" "$LPMAP_BIN" bench parse --json --n 20 --threads 1 2>"$TMP/err")
RC=$?
check "bench parse exits 0 (got $RC)" test "$RC" -eq 0
check "exactly one line on stdout" test "$(printf '%s\n' "$JSON" | wc -l)" -eq 1
OUT=$JSON
LAST="bench parse --json --n 20"
expect_out '^\{"suite": "parse", "n": 300, "device": "cpu", "dtype": "fp64", "threads": 1, '
expect_out '"items_per_s": [0-9]+\.[0-9]+, "mb_per_s": [0-9.e+]+, "file_mb": [0-9.e+]+, "sweeps": 20, '
expect_out '"table_mb": 0\.456, "peak_rss_mb": [0-9.]+\}$'
check "temporary folder removed" test -z "$(ls -A "$TMP/t")"
OUT=$(cat "$TMP/err")
expect_out "writing 20 sweeps"
expect_no_out "warning"

# an unusable temporary folder is a clear failure
expect_rc 1 env TMPDIR="$TMP/missing" "$LPMAP_BIN" bench parse --n 2
expect_out "cannot create a temporary folder in $TMP/missing"
finish
