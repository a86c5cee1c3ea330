#!/usr/bin/env bash
# Issue #15's "--physics reference output equals today's on every existing
# key": simulate a small dataset, run `batch` with an older lpmap (e.g. main's
# build) and with this one on the same files, and compare every key of the
# older NPZ (scripts/npz-keys-equal.py). Three option sets: defaults, lillis
# with the U-width QC keys, a constant U_sc.
#   scripts/reference-check.sh OLD_LPMAP [NEW_LPMAP]
#   PHYSICS (default reference): the --physics both builds get, when both
#   know it (OLD_ARGS / NEW_ARGS override: extra batch options per build;
#   OLD_ARGS= for a build from before the flag existed)
set -euo pipefail
OLD=${1:?usage: scripts/reference-check.sh OLD_LPMAP [NEW_LPMAP]}
NEW=${2:-build/lpmap}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$NEW" simulate --out "$TMP/data" --start 1998-04-20 --days 2 --sweeps-per-day 120 --seed 11 -q
PHYSICS=${PHYSICS:-reference}
OLD_ARGS=${OLD_ARGS---physics $PHYSICS}
NEW_ARGS=${NEW_ARGS---physics $PHYSICS}
rc=0
for opt in "" "--losscone-fit-method lillis --emit-u-width-qc" "--u-spacecraft 4"; do
    rm -rf "$TMP/old" "$TMP/new"
    # shellcheck disable=SC2086
    "$OLD" batch --data-dir "$TMP/data" --output-dir "$TMP/old" --seed 3 $opt $OLD_ARGS 2>/dev/null
    # shellcheck disable=SC2086
    "$NEW" batch --data-dir "$TMP/data" --output-dir "$TMP/new" --seed 3 $opt $NEW_ARGS 2>/dev/null
    echo "== batch ${opt:-(defaults)} (old: $OLD_ARGS, new: $NEW_ARGS)"
    "$PY" "$HERE/npz-keys-equal.py" "$TMP/old/potential_batch_all.npz" \
        "$TMP/new/potential_batch_all.npz" || rc=1
done
exit $rc
