#!/usr/bin/env bash
# lpmap bench losscone (docs/bench.md): one JSON object on stdout with the
# loss-cone keys, the same accuracy figures for 1 and 2 threads, bad options.
. "$(dirname "$0")/lib.sh"

for T in 1 2; do
    JSON=$("$LPMAP_BIN" bench losscone --json --n 24 --threads $T 2>/dev/null)
    RC=$?
    check "bench losscone --threads $T exits 0 (got $RC)" test "$RC" -eq 0
    check "exactly one line on stdout" test "$(printf '%s\n' "$JSON" | wc -l)" -eq 1
    OUT=$JSON
    LAST="bench losscone --json --n 24 --threads $T"
    expect_out "^\{\"suite\": \"losscone\", \"n\": 24, \"device\": \"cpu\", \"dtype\": \"fp64\", \"threads\": $T, "
    expect_out '"items_per_s": [0-9]+\.[0-9]+, "u_abs_err_median": [0-9.e+-]+, "u_abs_err_p90": [0-9.e+-]+, '
    expect_out '"frac_chi2_le_true": (0\.[0-9]+|1), "sweeps_fitted": 24, "method": "halekas", "polish": true\}$'
    # accuracy figures do not depend on the thread count
    FIG=$(printf '%s\n' "$JSON" | sed 's/.*"u_abs_err_median"/"u_abs_err_median"/')
    eval "FIG_$T=\$FIG"
done
check "1 and 2 threads give the same figures" test "$FIG_1" = "$FIG_2"

OUT=$("$LPMAP_BIN" bench losscone --json --n 10 --method lillis --threads 1 2>/dev/null)
LAST="bench losscone --method lillis"
expect_out '"method": "lillis", "polish": true\}$'

# --no-polish: docs/physics.md's optimizer alone, reported as such
OUT=$("$LPMAP_BIN" bench losscone --json --n 10 --no-polish --threads 1 2>/dev/null)
LAST="bench losscone --no-polish"
expect_out '"method": "halekas", "polish": false\}$'

expect_rc 2 "$LPMAP_BIN" bench losscone --method chebyshev
expect_out "invalid --method 'chebyshev' \(halekas, lillis\)"
expect_rc 2 "$LPMAP_BIN" bench losscone --n 0
finish
