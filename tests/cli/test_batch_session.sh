#!/usr/bin/env bash
# One fit session per run, whole days per stage call, the next day read
# ahead on a thread (docs/decisions.md "Backend sessions"): the NPZ is the
# same, key for key and value for value (scripts/npz-keys-equal.py), for
# --threads 1 and 2, with reading ahead switched off (LPMAP_NO_PREFETCH=1),
# in both physics modes; the summary says how long the driver waited for
# the reader.
set -u
. "$(dirname "$0")/lib.sh"
need_numpy
SRC=${LPMAP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

D="$TMP/data"
expect_rc 0 "$LPMAP_BIN" simulate --out "$D" --start 1998-04-01 --days 3 --sweeps-per-day 25 \
    --seed 8 -q
for phys in consistent reference; do
    expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/$phys-t1" --threads 1 \
        --physics "$phys"
    expect_out "summary: 3 of 3 files read"
    expect_out "reading: [0-9.]+ s, of which the driver waited [0-9.]+ s"
    expect_rc 0 "$LPMAP_BIN" batch --data-dir "$D" --output-dir "$TMP/$phys-t2" --threads 2 \
        --physics "$phys" -q
    expect_rc 0 env LPMAP_NO_PREFETCH=1 "$LPMAP_BIN" batch --data-dir "$D" \
        --output-dir "$TMP/$phys-np" --threads 2 --physics "$phys" -q
    A="$TMP/$phys-t1/potential_batch_all.npz"
    for other in t2 np; do
        B="$TMP/$phys-$other/potential_batch_all.npz"
        check "$phys: NPZ of --threads 1 equals $other" "$PY" "$SRC/scripts/npz-keys-equal.py" "$A" "$B"
        check "$phys: ... and the other way round" "$PY" "$SRC/scripts/npz-keys-equal.py" "$B" "$A"
    done
done
check "the two physics modes differ (the comparison can fail)" bash -c \
    "! '$PY' '$SRC/scripts/npz-keys-equal.py' '$TMP/consistent-t1/potential_batch_all.npz' \
       '$TMP/reference-t1/potential_batch_all.npz' >/dev/null"
finish
