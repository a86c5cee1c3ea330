#!/usr/bin/env bash
# lpmap batch --start/--end (docs/batch.md): one NPZ named for the range
# holding exactly the days of the range (month boundary crossed), the same
# rows as --year/--month/--day runs of those days; bad dates and mixed
# filters are usage errors (exit 2) that write nothing.
set -u
. "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
need_numpy
D="$TMP/sim"
expect_rc 0 "$LPMAP_BIN" simulate --out "$D" --start 1998-04-28 --days 5 --sweeps-per-day 6 \
    --seed 11 -q
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/o" --start 1998-04-29 \
    --end 1998-05-01
expect_out "summary: 3 of 3 files read"
F="$TMP/o/potential_batch_1998_04_29_to_1998_05_01.npz"
check "range NPZ named for the range" test -s "$F"
check "only that NPZ" test "$(ls -A "$TMP/o" | wc -l)" -eq 1
# the same rows as the three single-day runs (times), and the same results
# as an unfiltered run on a copy of the data without the two outside days
for d in 29 30; do
    expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/d" --year 1998 --month 4 --day $d
done
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/d" --year 1998 --month 5 --day 1
cp -r "$D" "$TMP/sim3"
find "$TMP/sim3" \( -name 3D980428.TAB -o -name 3D980502.TAB \) -delete
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$TMP/sim3" --output-dir "$TMP/all3"
expect_rc 0 "$PY" -c "
import numpy as np, sys
r = np.load('$F')
days = [np.load('$TMP/d/potential_batch_1998_%s.npz' % s) for s in ('04_29', '04_30', '05_01')]
assert sorted(set(u[:10] for u in r['rows_utc'])) == ['1998-04-29', '1998-04-30', '1998-05-01']
assert np.array_equal(r['rows_utc'], np.concatenate([d['rows_utc'] for d in days]))
a = np.load('$TMP/all3/potential_batch_all.npz')
for k in r.files:
    if k.startswith('meta_'):
        continue
    assert np.array_equal(r[k], a[k], equal_nan=r[k].dtype.kind == 'f'), k
print('range ok', len(r['rows_utc']))
"
expect_out "range ok [1-9]"
# A sweep's random stream is keyed by the sweep itself in the default
# physics (docs/decisions.md "Sweep streams"): each day of the range run has
# the fits of that day run alone (spec_no aside: it is offset per run).
expect_rc 0 "$PY" -c "
import numpy as np
r = np.load('$F')
n_fit = 0
for s in ('04_29', '04_30', '05_01'):
    d = np.load('$TMP/d/potential_batch_1998_%s.npz' % s)
    m = np.isin(r['spec_time_start'], d['spec_time_start'])
    assert m.sum() == len(d['spec_time_start']), s
    for k in d.files:
        if k.startswith('spec_') and k != 'spec_spec_no':
            assert np.array_equal(r[k][m], d[k], equal_nan=d[k].dtype.kind == 'f'), (s, k)
    n_fit += int(d['spec_has_fit'].sum())
assert n_fit > 0
print('streams ok', n_fit)
"
expect_out "streams ok [1-9]"
# a one-day range, and a range with no file: exit 0, nothing written
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/one" --start 1998-05-02 --end 1998-05-02
check "one-day range" test -s "$TMP/one/potential_batch_1998_05_02_to_1998_05_02.npz"
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/none" --start 1999-01-01 --end 1999-01-31
expect_out "no ER files"
check "nothing written for an empty range" test ! -e "$TMP/none/potential_batch_1999_01_01_to_1999_01_31.npz"

bad() { # bad REGEX ARGS...
    local re=$1
    shift
    expect_rc 2 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/bad" "$@"
    expect_out "^lpmap batch: .*$re"
    check "one line for '$*'" test "$(printf '%s\n' "$OUT" | wc -l)" -eq 1
    check "no output for '$*'" test ! -e "$TMP/bad"
}
bad "--start and --end go together" --start 1998-04-29
bad "--start and --end go together" --end 1998-04-29
bad "--end \(19980428\) is before --start \(19980429\)" --start 1998-04-29 --end 1998-04-28
bad "invalid value for --start: '1998-02-30'" --start 1998-02-30 --end 1998-03-01
bad "invalid value for --end: '1998-4-1'" --start 1998-04-01 --end 1998-4-1
bad "invalid value for --start: 'yesterday'" --start yesterday --end 1998-04-01
bad "replace --year/--month/--day" --start 1998-04-29 --end 1998-05-01 --year 1998
expect_rc 0 "$LPMAP_BIN" batch --help
expect_out "--start YYYY-MM-DD --end YYYY-MM-DD"
finish
