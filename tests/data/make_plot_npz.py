# Writes a small but plausible batch NPZ (docs/npz.md row/spectrum keys)
# for the `lpmap plot` tests: a month of polar-orbit footpoint tracks with
# U_surface negative on the night side, U_sc positive in sunlight.
# usage: python3 make_plot_npz.py OUT.npz [n_sweeps] [variant]
#   variant: full (default) | no_lat (drops rows_projection_latitude)
#            | no_fit (every U_surface NaN)
import sys

import numpy as np

out = sys.argv[1]
n_sweeps = int(sys.argv[2]) if len(sys.argv) > 2 else 600
variant = sys.argv[3] if len(sys.argv) > 3 else "full"
rows_per = 15
rng = np.random.default_rng(7)

t0 = np.datetime64("1998-04-01T00:00:00")
sweep_t = np.sort(rng.uniform(0, 30 * 86400.0, n_sweeps))
orbit = 118 * 60.0  # LP polar orbit period, s
lat_sw = 90 * np.sin(2 * np.pi * sweep_t / orbit)
lon_sw = (np.degrees(2 * np.pi * sweep_t / (27.32 * 86400)) + 40) % 360 - 180
sc_sun = np.cos(2 * np.pi * sweep_t / orbit) > -0.2
fp_sun = np.cos(np.radians(lon_sw)) * np.cos(np.radians(lat_sw)) > 0
u_surf = np.where(fp_sun, rng.normal(-40, 20, n_sweeps), rng.normal(-350, 180, n_sweeps))
u_surf[rng.uniform(size=n_sweeps) < 0.15] = np.nan  # not fitted
chi2 = rng.lognormal(0.5, 1.0, n_sweeps)
u_sc = np.where(sc_sun, rng.normal(8, 2, n_sweeps), rng.normal(-30, 12, n_sweeps))
has_fp = rng.uniform(size=n_sweeps) > 0.1

rep = lambda a: np.repeat(a, rows_per)
k = np.tile(np.arange(rows_per), n_sweeps)
lat = rep(lat_sw) + 0.05 * k
lon = rep(lon_sw) + 0.02 * k
lat[~rep(has_fp)] = np.nan
lon[~rep(has_fp)] = np.nan
row_t = rep(sweep_t) + 5 * k
utc = np.array([str(t0 + np.timedelta64(int(s * 1000), "ms")) for s in row_t], dtype="<U64")
u_rows = rep(u_surf)
u_rows[~rep(has_fp)] = np.nan
if variant == "no_fit":
    u_rows[:] = np.nan

d = dict(
    rows_spec_no=rep(np.arange(n_sweeps, dtype=np.int64) + 1000),
    rows_utc=utc,
    rows_time=np.array(["%.3f" % (891388800 + s) for s in row_t], dtype="<U64"),
    rows_projection_latitude=lat,
    rows_projection_longitude=lon,
    rows_spacecraft_potential=rep(u_sc),
    rows_projected_potential=u_rows,
    rows_spacecraft_in_sun=rep(sc_sun),
    rows_projection_in_sun=rep(fp_sun),
    rows_projection_polarity=rep(np.where(has_fp, 1, 0).astype(np.int8)),
    rows_fit_chi2=rep(chi2),
    spec_spec_no=np.arange(n_sweeps, dtype=np.int64) + 1000,
    spec_u_surface=u_surf,
    spec_has_fit=np.isfinite(u_surf),
)
if variant == "no_lat":
    del d["rows_projection_latitude"]
np.savez(out, **d)
