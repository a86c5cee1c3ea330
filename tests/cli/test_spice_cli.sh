#!/usr/bin/env bash
# lpmap spice (docs/spice.md §5): info, pos, et, xform against the real kernels
# in tests/data/kernels plus the LSK fixture; usage errors exit 2, failed
# queries exit 1. Missing fixtures fail the test.
set -u
. "$(dirname "$0")/lib.sh"
SRC=${LPMAP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=${LPMAP_TEST_DATA:-$SRC/tests/data}
if [ ! -f "$DATA/kernels/pck00011.tpc" ]; then
    echo "FAIL: test data missing: $DATA/kernels (part of the repository)"
    exit 1
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# the real kernels are read in place: link them with the LSK fixture
for f in "$DATA"/kernels/*.bsp "$DATA"/kernels/*.tpc; do ln -s "$f" "$TMP/"; done
cp "$SRC/tests/data/naif0012.tls" "$TMP/"
K=$TMP

expect_rc 0 "$LPMAP_BIN" spice --help
expect_out "lpmap spice COMMAND --kernels DIR"
expect_rc 0 "$LPMAP_BIN" spice info --kernels "$K"
expect_out "de430-2015-03-02.bsp: SPK, 14 segments"
expect_out "body 301 \(MOON\) center 3 \(EARTH-MOON BARYCENTER\) J2000 type 2 2015-02-26T23:58:52\.814 \.\. 2015-03-06T"
expect_out "IAU_MOON: available"
expect_out "28 DELTA_AT entries, last 37 s"

# first row of reference_positions.csv
expect_rc 0 "$LPMAP_BIN" spice pos --kernels "$K" --target 301 --observer 399 --frame J2000 --et 478360072.565536
expect_out "^-44733\.84101[0-9]+ 374127\.72610[0-9]+ 123025\.45018[0-9]+$"
expect_rc 0 "$LPMAP_BIN" spice pos --kernels "$K" --target MOON --observer EARTH --frame J2000 --utc 2015-02-28T12:00:00
expect_out "^-?[0-9]+\.[0-9]{9} -?[0-9]+\.[0-9]{9} -?[0-9]+\.[0-9]{9}$"

expect_rc 0 "$LPMAP_BIN" spice et --kernels "$K" 2000-01-01T12:00:00
expect_out "^64\.183927$"
expect_rc 0 "$LPMAP_BIN" spice et --kernels "$K" 1998-12-31T23:59:60
expect_out "^-31579136\.81"

expect_rc 0 "$LPMAP_BIN" spice xform --kernels "$K" --from J2000 --to ECLIPJ2000 --et 0
expect_out "^1\.000000000000000 0\.000000000000000 0\.000000000000000$"
expect_out "^0\.000000000000000 0\.917482062069182 0\.397777155931914$"
expect_rc 0 "$LPMAP_BIN" spice xform --kernels "$K" --from IAU_MOON --to J2000 --et 0
check "xform prints three rows" test "$(printf '%s\n' "$OUT" | wc -l)" -eq 3

# failures: no coverage (1), bad or impossible time (2), usage (2)
expect_rc 1 "$LPMAP_BIN" spice pos --kernels "$K" --target MOON --observer EARTH --frame J2000 --et 0
expect_out "no ephemeris for body 301 \(MOON\) at ET 0\.000 \(UTC 2000-01-01T11:58:55\.81"
expect_rc 2 "$LPMAP_BIN" spice et --kernels "$K" 1998-13-01T00:00:00
expect_out "month 13 out of range"
expect_rc 2 "$LPMAP_BIN" spice et --kernels "$K" 1998-06-30T23:59:60
expect_out "only valid in a leap second"
expect_rc 2 "$LPMAP_BIN" spice pos --kernels "$K" --target MOON --observer EARTH --frame J2000 --utc 1960-01-01T00:00:00
expect_out "before the first entry of the leap-second table"
# no leap-second kernel: the query fails (1)
mkdir "$TMP/nolsk"
ln -s "$DATA/kernels/de430-2015-03-02.bsp" "$TMP/nolsk/"
expect_rc 1 "$LPMAP_BIN" spice et --kernels "$TMP/nolsk" 2000-01-01T12:00:00
expect_out "no leap-second kernel"
expect_rc 2 "$LPMAP_BIN" spice pos --kernels "$K" --target MOON --observer EARTH --frame IAU_MARS --et 0
expect_out "unknown frame 'IAU_MARS'"
expect_rc 2 "$LPMAP_BIN" spice pos --kernels "$K" --target NOWHERE --observer EARTH --frame J2000 --et 0
expect_out "unknown body 'NOWHERE'"
expect_rc 2 "$LPMAP_BIN" spice pos --kernels "$K" --target MOON --observer EARTH --frame J2000
expect_out "exactly one of --et or --utc"
expect_rc 2 "$LPMAP_BIN" spice pos --target MOON --observer EARTH --frame J2000 --et 0
expect_out "--kernels DIR is required"
expect_rc 2 "$LPMAP_BIN" spice frobnicate --kernels "$K"
expect_out "unknown command 'frobnicate'"
expect_rc 2 "$LPMAP_BIN" spice info --kernels "$K" --bogus
expect_out "unknown option '--bogus'"
expect_rc 2 "$LPMAP_BIN" spice xform --kernels "$K" --from J2000 --to FK4 --et abc
expect_out "invalid value for --et"
expect_rc 1 "$LPMAP_BIN" spice info --kernels "$TMP/nonexistent"
expect_out "cannot open kernel folder"
finish
