#!/usr/bin/env bash
# lpmap plot of a grid.npz (docs/plot.md): the statistic map and the count
# map, --stat, and --format png|svg|pdf for both grid and batch NPZ files
# (file signatures, PNG size); bad values are one-line errors that write
# nothing. Pixel-level checks of the maps are in tests/test_plot.c.
set -u
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
need_numpy
if "$LPMAP_BIN" plot "$TMP/none.npz" 2>&1 | grep -q "built without cairo"; then
    expect_rc 1 "$LPMAP_BIN" plot "$TMP/none.npz"
    expect_out "apt-get install libcairo2-dev"
    finish
    exit $?
fi
expect_rc 0 "$PY" "$HERE/check_products.py" synth "$TMP/s1.npz" 1 --sigma
expect_rc 0 "$LPMAP_BIN" grid "$TMP/s1.npz" --res 5 --out "$TMP/g" -q
magic() { # magic FILE HEX: the file starts with these bytes
    test "$(head -c $((${#2} / 2)) "$1" | od -An -tx1 | tr -d ' \n')" = "$2"
}
png_size() { # png_size FILE W H
    "$PY" -c "
import struct, sys
b = open('$1', 'rb').read(24)
sys.exit(0 if struct.unpack('>II', b[16:24]) == ($2, $3) else 1)"
}

expect_rc 0 "$LPMAP_BIN" plot "$TMP/g/grid.npz"
expect_out "36 x 72 grid, [0-9]+ cells with u_surface_median"
for k in map count; do
    check "grid_$k.png is a PNG" magic "$TMP/g/grid_$k.png" 89504e470d0a1a0a
    check "grid_$k.png is 1600x860" png_size "$TMP/g/grid_$k.png" 1600 860
done
expect_rc 0 "$LPMAP_BIN" plot "$TMP/g/grid.npz" --format svg --stat u_surface_wmean --out "$TMP"
check "SVG map" grep -q "<svg" "$TMP/grid_map.svg"
check "SVG count" grep -q "<svg" "$TMP/grid_count.svg"
expect_rc 0 "$LPMAP_BIN" plot "$TMP/g/grid.npz" --format pdf --stat t_e_p95 --vmin 0 --vmax 100 --out "$TMP"
check "PDF map" magic "$TMP/grid_map.pdf" 25504446
check "PDF count" magic "$TMP/grid_count.pdf" 25504446
# a batch-like NPZ: the footpoint map in every format
expect_rc 0 "$LPMAP_BIN" plot "$TMP/s1.npz" --what map --format svg --out "$TMP"
check "SVG footpoint map" grep -q "<svg" "$TMP/s1_map.svg"
expect_rc 0 "$LPMAP_BIN" simulate --out "$TMP/sim" --start 1998-04-01 --days 1 --sweeps-per-day 60 \
    --seed 3 -q
expect_rc 0 "$LPMAP_BIN" batch --data-dir "$TMP/sim" --output-dir "$TMP/b"
expect_rc 0 "$LPMAP_BIN" plot "$TMP/b/potential_batch_all.npz" --format pdf --out "$TMP"
for k in map hist timeseries; do
    check "PDF $k" magic "$TMP/potential_batch_all_$k.pdf" 25504446
done
check "no temporary file left" test -z "$(ls -A "$TMP" "$TMP/g" | grep part)"

# bad values: one line, exit code, no picture
mkdir "$TMP/bad"
bad() { # bad CODE REGEX ARGS...
    local code=$1 re=$2
    shift 2
    expect_rc "$code" "$LPMAP_BIN" plot "$@" --out "$TMP/bad"
    expect_out "$re"
    check "one line for '$*'" test "$(printf '%s\n' "$OUT" | wc -l)" -eq 1
    check "nothing drawn for '$*'" test -z "$(ls -A "$TMP/bad")"
}
bad 2 "invalid --format 'bmp'" "$TMP/g/grid.npz" --format bmp
bad 1 "has no statistic 'u_surface_mode'" "$TMP/g/grid.npz" --stat u_surface_mode
bad 2 "--stat applies to a grid.npz" "$TMP/s1.npz" --stat u_surface_mean
bad 2 "--what and --chi2-max apply to batch NPZ" "$TMP/g/grid.npz" --what map
"$PY" -c "
import numpy as np
z = dict(np.load('$TMP/g/grid.npz'))
z['u_surface_median'][:] = np.nan
np.savez('$TMP/empty_grid.npz', **z)"
expect_rc 1 "$LPMAP_BIN" plot "$TMP/empty_grid.npz" --out "$TMP/bad"
expect_out "no cell has a finite u_surface_median"
check "no statistic map for an empty grid" test ! -e "$TMP/bad/empty_grid_map.png"
finish
