#!/usr/bin/env bash
# Mission-scale load run (docs/decisions.md "Hardening": memory does not grow with the date
# range): simulate N days (default 560, the LP mission from 1998-01-16) with
# `lpmap simulate`, then run `lpmap batch` month by month under
# /usr/bin/time -v, printing wall time and peak RSS per month and overall.
#   scripts/mission-load.sh [--days N] [--start YYYY-MM-DD] [--sweeps-per-day K]
#                           [--work DIR] [--whole] [--fast] [--keep] [-- BATCH_ARGS...]
#   --whole   also run one batch over the whole range (no date filter)
#   --keep    keep the simulated data and outputs (default: removed at the end)
# Disk: about 26 MB of ER text per simulated day at 1080 sweeps/day (~15 GB
# for 560 days); the script checks free space first.
set -euo pipefail
cd "$(dirname "$0")/.."
days=560
start=1998-01-16
spd=1080
work=""
whole=0
keep=0
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --days) days=$2; shift 2 ;;
    --start) start=$2; shift 2 ;;
    --sweeps-per-day) spd=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --whole) whole=1; shift ;;
    --fast) extra+=(--fast); shift ;;
    --keep) keep=1; shift ;;
    --) shift; extra+=("$@"); break ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "mission-load: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -x /usr/bin/time ] || { echo "mission-load needs GNU time: apt-get install -y time" >&2; exit 1; }
BIN=build/lpmap
if [ ! -x "$BIN" ]; then
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build -j"$(nproc)" --target lpmap >/dev/null
fi
[ -n "$work" ] || work=$(mktemp -d "${TMPDIR:-/tmp}/lpmap-mission.XXXXXX")
mkdir -p "$work"
if [ "$keep" -eq 0 ]; then trap 'rm -rf "$work"' EXIT; fi

need_mb=$((days * spd * 25 / 1000 + 200))
free_mb=$(df --output=avail -m "$work" | tail -n 1 | tr -d ' ')
if [ "$free_mb" -lt "$need_mb" ]; then
    echo "mission-load: about $need_mb MB needed in $work, $free_mb MB free (use --work DIR or fewer --days)" >&2
    exit 1
fi

# Parse `/usr/bin/time -v` output: wall seconds and peak RSS (MB).
time_fields() {
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
        /Maximum resident set size/ { rss = $2 / 1024 }
        END { printf "%.1f %.0f\n", wall, rss }' "$1"
}

echo "mission-load: simulating $days days from $start ($spd sweeps/day) into $work/data"
/usr/bin/time -v -o "$work/sim.time" "$BIN" simulate --out "$work/data" --start "$start" \
    --days "$days" --sweeps-per-day "$spd" --quiet
read -r sim_wall sim_rss < <(time_fields "$work/sim.time")
echo "simulate: wall ${sim_wall} s, peak RSS ${sim_rss} MB, data $(du -sm "$work/data" | cut -f1) MB"

printf '%-8s %8s %10s %12s %s\n' month files wall_s peak_rss_mb status
total_wall=0
max_rss=0
failed=0
months=$(find "$work/data" -name '3D*.TAB' -printf '%f\n' | sed -E 's/^3D([0-9]{2})([0-9]{2}).*/\1 \2/' | sort -u)
while read -r yy mm; do
    [ -n "$yy" ] || continue
    if [ "$yy" -ge 50 ]; then y=$((1900 + 10#$yy)); else y=$((2000 + 10#$yy)); fi
    m=$((10#$mm))
    nfiles=$(find "$work/data" -name "3D$yy$mm*.TAB" | wc -l)
    log="$work/batch-$y-$mm.log"
    if /usr/bin/time -v -o "$work/batch-$y-$mm.time" "$BIN" batch --data-dir "$work/data" \
        --output-dir "$work/out" --year "$y" --month "$m" --overwrite "${extra[@]}" >"$log" 2>&1; then
        status=ok
    else
        status="FAILED (see $log)"
        failed=1
    fi
    read -r wall rss < <(time_fields "$work/batch-$y-$mm.time")
    printf '%-8s %8d %10s %12s %s\n' "$y-$mm" "$nfiles" "$wall" "$rss" "$status"
    total_wall=$(awk -v a="$total_wall" -v b="$wall" 'BEGIN { printf "%.1f", a + b }')
    [ "${rss%.*}" -gt "$max_rss" ] && max_rss=${rss%.*}
done <<<"$months"
echo "months: total wall ${total_wall} s, largest peak RSS ${max_rss} MB"

if [ "$whole" -eq 1 ]; then
    if /usr/bin/time -v -o "$work/whole.time" "$BIN" batch --data-dir "$work/data" \
        --output-dir "$work/out" --overwrite "${extra[@]}" >"$work/whole.log" 2>&1; then
        status=ok
    else
        status="FAILED (see $work/whole.log)"
        failed=1
    fi
    read -r wall rss < <(time_fields "$work/whole.time")
    echo "whole range in one batch: wall ${wall} s, peak RSS ${rss} MB, $status"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
exit $failed
