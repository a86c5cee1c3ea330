#!/usr/bin/env bash
# lpmap sites (docs/sites.md): every site's count and statistics recomputed
# with NumPy (great circle on a 1737.4 km sphere; counts exactly, statistics
# to 1e-9) for the built-in list and a sites file, with and without per-row
# sigmas, --where/--class; bad input gives a one-line error, the right exit
# code and no output.
set -u
. "$(dirname "$0")/lib.sh"
use_tmp
products_fixture 7 3 4

# --- built-in sites
expect_rc 0 "$LPMAP_BIN" sites --list-builtin
expect_out "^Apollo 11,"
expect_out "^Luna 24,"
expect_out "^South Pole,-90,"
expect_out "^Reiner Gamma,"
NB=$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)
expect_rc 0 "$LPMAP_BIN" sites "$B" "$TMP/s2.npz" --radius-km 400 --out "$TMP/a.csv"
expect_out "sites: $NB sites"
expect_rc 0 "$PY" "$CHECK" sites "$TMP/a.csv" 400 "builtin:$NB" all all "$B" "$TMP/s2.npz"
expect_out "sites ok: $NB sites, [1-9]"
# the batch NPZ carries per-row sigmas (default physics): weighted columns too
check "CSV header" test "$(head -1 "$TMP/a.csv")" = \
    "name,lat,lon,count,u_surface_mean,u_surface_median,u_surface_p05,u_surface_p95,u_surface_std,u_sc_mean,u_sc_median,u_sc_p05,u_sc_p95,u_sc_std,t_e_mean,t_e_median,t_e_p05,t_e_p95,t_e_std,u_surface_wmean,u_surface_wmean_sigma"

# --- a sites file (header, comment, blank line, a site with no rows nearby,
#     longitudes east of 180), sigmas, selection
cat >"$TMP/sites.csv" <<'CSV'
name,lat,lon
# test sites
north cluster, 20, 30

far east,10,300
pole,90,0
empty,-45,100
CSV
expect_rc 0 "$LPMAP_BIN" sites "$TMP/s1.npz" "$TMP/s2.npz" --sites "$TMP/sites.csv" --radius-km 250 \
    --out "$TMP/b.csv" -q
check "-q prints nothing on success" test -z "$OUT"
expect_rc 0 "$PY" "$CHECK" sites "$TMP/b.csv" 250 "$TMP/sites.csv" all all "$TMP/s1.npz" "$TMP/s2.npz"
expect_out "\(weighted\)"
expect_rc 0 "$LPMAP_BIN" sites "$TMP/s1.npz" --sites "$TMP/sites.csv" --radius-km 800 \
    --where shadowed --class 0,2 --out "$TMP/c.csv" -q
expect_rc 0 "$PY" "$CHECK" sites "$TMP/c.csv" 800 "$TMP/sites.csv" shadowed 0,2 "$TMP/s1.npz"
# a site with no footpoint nearby: count 0 and NaN statistics
expect_rc 0 "$LPMAP_BIN" sites "$B" --sites "$TMP/sites.csv" --radius-km 1 --out "$TMP/d.csv" -q
expect_rc 0 grep -c "^empty,-45,100,0,nan,nan,nan,nan,nan" "$TMP/d.csv"

# --- bad input: one line, exit code, nothing written
no_output() { test ! -e "$TMP/bad.csv" && test -z "$(ls -A "$TMP" | grep part)"; }
bad() { # bad CODE REGEX ARGS...
    local code=$1 re=$2
    shift 2
    expect_rc "$code" "$LPMAP_BIN" sites "$@"
    expect_out "^lpmap sites: .*$re"
    check "one-line error for '$*'" test "$(printf '%s\n' "$OUT" | wc -l)" -eq 1
    check "no output for '$*'" no_output
}
bad 2 "missing the batch NPZ" --radius-km 10 --out "$TMP/bad.csv"
bad 2 "missing --radius-km" "$B" --out "$TMP/bad.csv"
bad 2 "missing --out" "$B" --radius-km 10
bad 2 "invalid value for --radius-km: 0 " "$B" --radius-km 0 --out "$TMP/bad.csv"
bad 2 "invalid value for --radius-km: -5 " "$B" --radius-km -5 --out "$TMP/bad.csv"
bad 2 "invalid value for --radius-km" "$B" --radius-km 1e6 --out "$TMP/bad.csv"
bad 2 "invalid value for --radius-km" "$B" --radius-km ten --out "$TMP/bad.csv"
bad 2 "invalid --where" "$B" --radius-km 10 --where noon --out "$TMP/bad.csv"
: >"$TMP/empty.csv"
bad 1 "lists no site" "$B" --sites "$TMP/empty.csv" --radius-km 10 --out "$TMP/bad.csv"
printf 'name,lat,lon\n# only a header\n' >"$TMP/header.csv"
bad 1 "lists no site" "$B" --sites "$TMP/header.csv" --radius-km 10 --out "$TMP/bad.csv"
printf 'ok,1,2\nbad,95,10\n' >"$TMP/lat95.csv"
bad 1 "lat95.csv:2: latitude 95 of bad is outside -90 to 90" "$B" --sites "$TMP/lat95.csv" \
    --radius-km 10 --out "$TMP/bad.csv"
printf 'x,1,400\n' >"$TMP/lon400.csv"
bad 1 "longitude 400" "$B" --sites "$TMP/lon400.csv" --radius-km 10 --out "$TMP/bad.csv"
printf 'x,1\n' >"$TMP/short.csv"
bad 1 "short.csv:1: expected 'name,lat,lon'" "$B" --sites "$TMP/short.csv" --radius-km 10 \
    --out "$TMP/bad.csv"
printf 'x,north,2\n' >"$TMP/text.csv"
bad 1 "text.csv:1: lat 'north' or lon '2' is not a number" "$B" --sites "$TMP/text.csv" \
    --radius-km 10 --out "$TMP/bad.csv"
printf ',1,2\n' >"$TMP/noname.csv"
bad 1 "noname.csv:1: site name" "$B" --sites "$TMP/noname.csv" --radius-km 10 --out "$TMP/bad.csv"
bad 1 "cannot open sites file" "$B" --sites "$TMP/nothere.csv" --radius-km 10 --out "$TMP/bad.csv"
bad 1 "cannot open|No such file" "$TMP/missing.npz" --radius-km 10 --out "$TMP/bad.csv"
"$PY" -c "import numpy as np; np.savez('$TMP/other.npz', a=np.arange(3.0))"
bad 1 "not an lpmap batch NPZ" "$B" "$TMP/other.npz" --radius-km 10 --out "$TMP/bad.csv"
bad 1 "no usable row" "$B" --class 4 --where sunlit --radius-km 10 --out "$TMP/bad.csv"
bad 1 "cannot write" "$B" --radius-km 10 --out "$TMP/nodir/bad.csv"

# --- existing output: refused without --overwrite (untouched), replaced with it
cp "$TMP/a.csv" "$TMP/a.before"
expect_rc 1 "$LPMAP_BIN" sites "$B" --radius-km 100 --out "$TMP/a.csv"
expect_out "exists \(use --overwrite"
check "existing CSV untouched" cmp -s "$TMP/a.csv" "$TMP/a.before"
expect_rc 0 "$LPMAP_BIN" sites "$B" --radius-km 100 --out "$TMP/a.csv" --overwrite -q
expect_rc 0 "$PY" "$CHECK" sites "$TMP/a.csv" 100 "builtin:$NB" all all "$B"

expect_rc 0 "$LPMAP_BIN" sites --help
expect_out "usage: lpmap sites NPZ"
expect_out "examples:"
finish
