# Shared helpers for the shell tests of the lpmap executable.
# expect_rc CODE CMD...   run CMD, capture output in $OUT, check exit code
# expect_out REGEX        the last command's output matches REGEX
# expect_no_out REGEX     ... does not match
# finish                  print the summary line and exit non-zero on failure
: "${LPMAP_BIN:?LPMAP_BIN must point at the lpmap executable}"
PASSED=0
FAILED=0
OUT=""
LAST=""
expect_rc() {
    local want=$1
    shift
    LAST="$*"
    OUT=$("$@" 2>&1 </dev/null)
    local rc=$?
    if [ "$rc" -eq "$want" ]; then
        PASSED=$((PASSED + 1))
    else
        FAILED=$((FAILED + 1))
        echo "FAIL: '$LAST' exited $rc, expected $want; output:" >&2
        printf '%s\n' "$OUT" | head -20 >&2
    fi
}
expect_out() {
    if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then
        PASSED=$((PASSED + 1))
    else
        FAILED=$((FAILED + 1))
        echo "FAIL: output of '$LAST' does not match /$1/; output:" >&2
        printf '%s\n' "$OUT" | head -20 >&2
    fi
}
expect_no_out() {
    if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then
        FAILED=$((FAILED + 1))
        echo "FAIL: output of '$LAST' unexpectedly matches /$1/" >&2
    else
        PASSED=$((PASSED + 1))
    fi
}
check() { # check DESCRIPTION CMD... : a condition that must hold
    local what=$1
    shift
    if "$@"; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); echo "FAIL: $what" >&2; fi
}
finish() {
    echo "$(basename "$0"): $PASSED checks passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}

need_numpy() { # sets PY to Debian's python3 with NumPy, or ends the test as a ctest skip (77)
    PY=/usr/bin/python3
    if ! "$PY" -c 'import numpy' 2>/dev/null; then
        echo "SKIP: /usr/bin/python3 has no NumPy (apt-get install python3-numpy)"
        exit 77
    fi
}

use_tmp() { # TMP: a fresh folder, removed when the test exits
    TMP=$(mktemp -d)
    trap 'rm -rf "$TMP"' EXIT
}

products_fixture() { # products_fixture SEED SYNTH1 SYNTH2: the inputs of the grid and sites tests
    # (needs TMP; ends as a skip without NumPy): CHECK (check_products.py), a simulated two-day
    # batch NPZ in $B (from $D) and two synthetic NPZ files, $TMP/s1.npz (with per-row sigmas)
    # and $TMP/s2.npz.
    need_numpy
    CHECK="$(cd "$(dirname "$0")" && pwd)/check_products.py"
    D="$TMP/sim"
    expect_rc 0 "$LPMAP_BIN" simulate --out "$D" --start 1998-04-01 --days 2 --sweeps-per-day 100 \
        --seed "$1" -q
    expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/out"
    B="$TMP/out/potential_batch_all.npz"
    check "batch NPZ written" test -s "$B"
    expect_rc 0 "$PY" "$CHECK" synth "$TMP/s1.npz" "$2" --sigma
    expect_rc 0 "$PY" "$CHECK" synth "$TMP/s2.npz" "$3"
}
