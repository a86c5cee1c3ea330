#!/usr/bin/env bash
# Best and median of N runs of one `lpmap bench` command (shared VMs vary
# by ±20 % from run to run; the fits themselves are identical).
#   scripts/bench-best.sh [-n RUNS] [-b LPMAP] -- SUITE [bench options]
#   e.g. scripts/bench-best.sh -n 5 -- losscone --n 2000 --threads 2
set -euo pipefail
RUNS=5
BIN=${LPMAP_BIN:-build/lpmap}
while [ $# -gt 0 ]; do
    case "$1" in
    -n) RUNS=$2; shift 2 ;;
    -b) BIN=$2; shift 2 ;;
    --) shift; break ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || { echo "usage: $0 [-n RUNS] [-b LPMAP] -- SUITE [bench options]" >&2; exit 2; }
for _ in $(seq "$RUNS"); do
    "$BIN" bench "$@" --json 2>/dev/null
    echo
done | /usr/bin/python3 -c '
import json, sys
runs = [json.loads(l) for l in sys.stdin if l.strip()]
rates = sorted(r["items_per_s"] for r in runs)
best = max(runs, key=lambda r: r["items_per_s"])
best["items_per_s_median"] = rates[len(rates) // 2]
best["runs"] = len(runs)
print(json.dumps(best))'
