#!/usr/bin/env bash
# lpmap grid (docs/grid.md): every cell recomputed with NumPy from the input
# NPZ files (counts exactly, statistics to 1e-9) for a simulated batch NPZ and
# synthetic NPZ files with per-row sigmas (the weighted mean), several inputs,
# --where/--class, forced latitude bands (LPMAP_GRID_BAND_VALUES); grid.nc read
# back with python3-netcdf4 and ncdump (CF-1.8 attributes); bad input gives a
# one-line error, the right exit code and no output.
set -u
. "$(dirname "$0")/lib.sh"
use_tmp
products_fixture 5 1 2

# --- the simulated batch alone, 10 degrees
expect_rc 0 "$LPMAP_BIN" grid "$B" --res 10 --out "$TMP/g1"
expect_out "grid: [0-9]+ of [0-9]+ rows from 1 file into [0-9]+ of 648 cells"
HAVE_NC=1
if printf '%s\n' "$OUT" | grep -q "built without NetCDF"; then
    HAVE_NC=0 # a build without libnetcdf: says so, writes grid.npz only
    expect_out "apt-get install libnetcdf-dev"
fi
expect_rc 0 "$PY" "$CHECK" grid "$TMP/g1" 10 all all "$B"
expect_out "grid ok: [1-9][0-9]* rows"
if [ $HAVE_NC = 1 ]; then
    check "only grid.npz and grid.nc in the output folder" \
        test "$(ls -A "$TMP/g1" | tr '\n' ' ')" = "grid.nc grid.npz "
else
    check "only grid.npz in the output folder" test "$(ls -A "$TMP/g1")" = "grid.npz"
fi

# --- three inputs (one with sigmas): the weighted mean appears
expect_rc 0 "$LPMAP_BIN" grid "$TMP/s1.npz" "$TMP/s2.npz" "$B" --res 5 --out "$TMP/g2" -q
check "-q prints nothing on success (but the no-NetCDF warning)" \
    test -z "$(printf '%s\n' "$OUT" | grep -v 'built without NetCDF')"
expect_rc 0 "$PY" "$CHECK" grid "$TMP/g2" 5 all all "$TMP/s1.npz" "$TMP/s2.npz" "$B"
expect_out "\(weighted\)"
# the batch NPZ carries per-row sigmas (default physics): the weighted keys
# are there (their values are checked by $CHECK above)
expect_rc 0 "$PY" -c "import numpy as np,sys; sys.exit('u_surface_wmean' not in np.load('$TMP/g1/grid.npz'))"
# no sigma key in the inputs: no weighted keys
expect_rc 0 "$LPMAP_BIN" grid "$TMP/s2.npz" --res 10 --out "$TMP/gnosig" -q
expect_rc 0 "$PY" -c "import numpy as np,sys; sys.exit('u_surface_wmean' in np.load('$TMP/gnosig/grid.npz'))"

# --- selection and many latitude bands give the same exact statistics
LPMAP_GRID_BAND_VALUES=100 expect_rc 0 "$LPMAP_BIN" grid "$TMP/s1.npz" "$TMP/s2.npz" --res 2 \
    --where sunlit --class 1,3 --class 5 --out "$TMP/g3" -v
expect_out "in [0-9]{2,} bands"
expect_rc 0 "$PY" "$CHECK" grid "$TMP/g3" 2 sunlit 1,3,5 "$TMP/s1.npz" "$TMP/s2.npz"
expect_rc 0 "$LPMAP_BIN" grid "$TMP/s1.npz" --res 3 --where shadowed --out "$TMP/g4" -q
expect_rc 0 "$PY" "$CHECK" grid "$TMP/g4" 3 shadowed all "$TMP/s1.npz"
expect_rc 0 "$LPMAP_BIN" grid "$TMP/s1.npz" --res 180 --out "$TMP/g5" -q
expect_rc 0 "$PY" "$CHECK" grid "$TMP/g5" 180 all all "$TMP/s1.npz"

# --- grid.nc: CF-1.8 read back with netCDF4 and ncdump, same numbers as grid.npz
if [ $HAVE_NC = 0 ]; then
    echo "note: this lpmap has no NetCDF; grid.nc checks replaced by the message check above"
elif "$PY" -c 'import netCDF4' 2>/dev/null; then
    cat >"$TMP/nc_check.py" <<'PYEOF'
import sys
import numpy as np
import netCDF4
d = sys.argv[1]
nc = netCDF4.Dataset(d + "/grid.nc")
g = np.load(d + "/grid.npz")
assert nc.Conventions == "CF-1.8", nc.Conventions
assert nc.lpmap_version and nc.source.startswith("lpmap ")
for p in sys.argv[2:]:
    assert p in nc.inputs, (p, nc.inputs)
assert nc.variables["lat"].units == "degrees_north"
assert nc.variables["lon"].units == "degrees_east"
assert nc.variables["lat"].standard_name == "latitude"
assert nc.variables["count"].dtype == np.int64
names = [k for k in g.files if not k.startswith("meta_")]
assert "u_surface_wmean" in names and "u_surface_wmean_sigma" in names
for k in names:
    v = nc.variables[k]
    if k not in ("lat", "lon"):
        assert v.dimensions == ("lat", "lon"), (k, v.dimensions)
        assert hasattr(v, "_FillValue") and v.units and v.long_name, k
    a = np.ma.filled(v[:], np.nan) if v.dtype == np.float64 else np.asarray(v[:])
    assert np.array_equal(a, g[k], equal_nan=True), k
print("netcdf ok:", len(names), "variables")
PYEOF
    expect_rc 0 "$PY" "$TMP/nc_check.py" "$TMP/g2" "$TMP/s1.npz" "$TMP/s2.npz" "$B"
    expect_out "netcdf ok"
else
    echo "FAIL: python3-netcdf4 missing (apt-get install python3-netcdf4)" >&2
    FAILED=$((FAILED + 1))
fi
if [ $HAVE_NC = 0 ]; then
    :
elif command -v ncdump >/dev/null; then
    expect_rc 0 ncdump -h "$TMP/g2/grid.nc"
    expect_out ':Conventions = "CF-1.8"'
    expect_out 'lat:units = "degrees_north"'
    expect_out 'lon:units = "degrees_east"'
    expect_out 'u_surface_median:_FillValue = NaN'
    expect_out 'u_surface_median:units = "V"'
    expect_out ':lpmap_version = '
else
    echo "FAIL: ncdump missing (apt-get install netcdf-bin)" >&2
    FAILED=$((FAILED + 1))
fi

# --- bad input: one line, exit code, nothing written
no_output() { test ! -e "$TMP/bad"; }
bad() { # bad CODE REGEX ARGS...
    local code=$1 re=$2
    shift 2
    expect_rc "$code" "$LPMAP_BIN" grid "$@"
    expect_out "^lpmap grid: .*$re"
    check "one-line error for '$*'" test "$(printf '%s\n' "$OUT" | grep -vc '^lpmap: warn')" -eq 1
    check "no output for '$*'" no_output
}
bad 2 "missing the batch NPZ" --res 10 --out "$TMP/bad"
bad 2 "missing --res" "$B" --out "$TMP/bad"
bad 2 "missing --out" "$B" --res 10
bad 2 "does not divide 180" "$B" --res 7 --out "$TMP/bad"
bad 2 "does not divide 180" "$B" --res 0.7 --out "$TMP/bad"
bad 2 "invalid value for --res" "$B" --res 0 --out "$TMP/bad"
bad 2 "invalid value for --res" "$B" --res -5 --out "$TMP/bad"
bad 2 "invalid value for --res" "$B" --res abc --out "$TMP/bad"
bad 2 "invalid --where" "$B" --res 10 --where dusk --out "$TMP/bad"
bad 2 "invalid --class" "$B" --res 10 --class 1,x --out "$TMP/bad"
bad 2 "invalid --class" "$B" --res 10 --class 200 --out "$TMP/bad"
bad 2 "unknown or incomplete option" "$B" --res 10 --bogus --out "$TMP/bad"
bad 1 "cannot open|No such file" "$TMP/missing.npz" --res 10 --out "$TMP/bad"
"$PY" -c "import numpy as np; np.savez('$TMP/other.npz', a=np.arange(3.0))"
bad 1 "not an lpmap batch NPZ \(no key rows_projected_potential\)" "$TMP/other.npz" --res 10 \
    --out "$TMP/bad"
# a good file then a bad one: still nothing written
bad 1 "not an lpmap batch NPZ" "$B" "$TMP/other.npz" --res 10 --out "$TMP/bad"
printf 'this is not a zip' >"$TMP/junk.npz"
bad 1 "junk.npz" "$TMP/junk.npz" --res 10 --out "$TMP/bad"
"$PY" -c "
import numpy as np
z = dict(np.load('$B'))
z['rows_projection_latitude'] = z['rows_projection_latitude'][:-1]
np.savez('$TMP/short.npz', **z)"
bad 1 "rows_projection_latitude has [0-9]+ rows" "$TMP/short.npz" --res 10 --out "$TMP/bad"
# nothing selected is a failed run
bad 1 "no row to grid" "$B" --res 10 --class 4 --where sunlit --out "$TMP/bad"
"$PY" -c "
import numpy as np
z = dict(np.load('$B'))
z['rows_projected_potential'][:] = np.nan
np.savez('$TMP/nan.npz', **z)"
bad 1 "no row to grid" "$TMP/nan.npz" --res 10 --out "$TMP/bad"
# --out is a file
touch "$TMP/afile"
expect_rc 1 "$LPMAP_BIN" grid "$B" --res 10 --out "$TMP/afile"
expect_out "exists and is not a folder"

# --- existing output: refused without --overwrite (untouched), replaced with it
cp "$TMP/g1/grid.npz" "$TMP/g1.before"
expect_rc 1 "$LPMAP_BIN" grid "$TMP/s1.npz" --res 10 --out "$TMP/g1"
expect_out "grid.npz exists \(use --overwrite"
check "existing grid untouched" cmp -s "$TMP/g1/grid.npz" "$TMP/g1.before"
# refused before any input is read
expect_rc 1 "$LPMAP_BIN" grid "$TMP/missing.npz" --res 10 --out "$TMP/g1"
expect_out "grid.npz exists \(use --overwrite"
expect_rc 0 "$LPMAP_BIN" grid "$TMP/s1.npz" --res 10 --out "$TMP/g1" --overwrite -q
expect_rc 0 "$PY" "$CHECK" grid "$TMP/g1" 10 all all "$TMP/s1.npz"
check "no temporary file left" test "$(ls -A "$TMP/g1" | wc -l)" -eq $((1 + HAVE_NC))

expect_rc 0 "$LPMAP_BIN" grid --help
expect_out "usage: lpmap grid NPZ"
expect_out "examples:"
finish
