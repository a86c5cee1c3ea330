#!/usr/bin/env python3
"""Independent NumPy recomputation of the products of `lpmap grid` and
`lpmap sites` from their input NPZ files (docs/grid.md, docs/sites.md).

  check_products.py grid DIR RES WHERE CLASSES NPZ...   (CLASSES: "all" or "1,2")
  check_products.py sites CSV RADIUS_KM SITES WHERE CLASSES NPZ...  (SITES: file or "builtin:N")
  check_products.py synth OUT.npz SEED [--sigma]        write a synthetic batch-like NPZ

Counts must match exactly, statistics to 1e-9 (relative, 1e-9 V absolute)."""
import csv
import sys

import numpy as np

TOL = dict(rtol=1e-9, atol=1e-9, equal_nan=True)


def load_rows(paths, where, classes):
    cols = {k: [] for k in ("u", "lat", "lon", "usc", "te", "sig")}
    for p in paths:
        z = np.load(p)
        u = z["rows_projected_potential"].astype(float)
        lat = z["rows_projection_latitude"].astype(float)
        lon = z["rows_projection_longitude"].astype(float)
        sun = z["rows_projection_in_sun"].astype(bool)
        cls = z["rows_environment_class"].astype(int)
        sel = np.isfinite(u) & np.isfinite(lat) & np.isfinite(lon)
        if where == "sunlit":
            sel &= sun
        elif where == "shadowed":
            sel &= ~sun
        if classes != "all":
            sel &= np.isin(cls, [int(c) for c in classes.split(",")])
        cols["u"].append(u[sel])
        cols["lat"].append(lat[sel])
        cols["lon"].append(lon[sel])
        cols["usc"].append(z["rows_spacecraft_potential"].astype(float)[sel])
        cols["te"].append(z["rows_electron_temperature"].astype(float)[sel])
        if "rows_projected_potential_sigma" in z:
            cols["sig"].append(z["rows_projected_potential_sigma"].astype(float)[sel])
        else:
            cols["sig"].append(np.full(sel.sum(), np.nan))
    return {k: np.concatenate(v) for k, v in cols.items()}


def stats(v):
    v = v[np.isfinite(v)]
    if v.size == 0:
        return [np.nan] * 5
    return [np.mean(v), np.median(v), np.percentile(v, 5), np.percentile(v, 95), np.std(v)]


def wmean(u, s):
    ok = np.isfinite(u) & np.isfinite(s) & (s > 0)
    if not ok.any():
        return np.nan, np.nan
    w = 1.0 / s[ok] ** 2
    return np.sum(w * u[ok]) / np.sum(w), 1.0 / np.sqrt(np.sum(w))


def fail(msg):
    print("check_products: FAIL: " + msg)
    sys.exit(1)


def check_grid(d, res, where, classes, paths):
    res = float(res)
    g = np.load(d + "/grid.npz")
    r = load_rows(paths, where, classes)
    nlat = int(round(180 / res))
    nlon = 2 * nlat
    ilat = np.clip(np.floor((r["lat"] + 90) / res), 0, nlat - 1).astype(int)
    ilon = np.mod(np.floor((r["lon"] + 180) / res), nlon).astype(int)
    cell = ilat * nlon + ilon
    if not np.allclose(g["lat"], -90 + (np.arange(nlat) + 0.5) * res, rtol=0, atol=1e-12):
        fail("lat centres")
    if not np.allclose(g["lon"], -180 + (np.arange(nlon) + 0.5) * res, rtol=0, atol=1e-12):
        fail("lon centres")
    if g["count"].dtype != np.int64 or g["count"].shape != (nlat, nlon):
        fail("count dtype/shape %s %s" % (g["count"].dtype, g["count"].shape))
    cnt = np.bincount(cell, minlength=nlat * nlon).reshape(nlat, nlon)
    if not np.array_equal(cnt, g["count"]):
        fail("counts differ in %d cells" % np.sum(cnt != g["count"]))
    has_sig = "u_surface_wmean" in g
    order = np.argsort(cell, kind="stable")
    bounds = np.searchsorted(cell[order], np.arange(nlat * nlon + 1))
    checked = 0
    for q, key in (("u_surface", "u"), ("u_sc", "usc"), ("t_e", "te")):
        want = {s: np.full(nlat * nlon, np.nan) for s in ("mean", "median", "p05", "p95")}
        for c in np.nonzero(cnt.ravel())[0]:
            idx = order[bounds[c]:bounds[c + 1]]
            m, med, p05, p95, _ = stats(r[key][idx])
            want["mean"][c], want["median"][c], want["p05"][c], want["p95"][c] = m, med, p05, p95
        for s, w in want.items():
            got = g["%s_%s" % (q, s)]
            if got.dtype != np.float64 or got.shape != (nlat, nlon):
                fail("%s_%s dtype/shape" % (q, s))
            if not np.allclose(got.ravel(), w, **TOL):
                bad = np.nonzero(~np.isclose(got.ravel(), w, **TOL))[0]
                fail("%s_%s differs in %d cells (first %d: %r vs %r)"
                     % (q, s, bad.size, bad[0], got.ravel()[bad[0]], w[bad[0]]))
            checked += 1
    if has_sig:
        wm = np.full(nlat * nlon, np.nan)
        ws = np.full(nlat * nlon, np.nan)
        for c in np.nonzero(cnt.ravel())[0]:
            idx = order[bounds[c]:bounds[c + 1]]
            wm[c], ws[c] = wmean(r["u"][idx], r["sig"][idx])
        if not np.allclose(g["u_surface_wmean"].ravel(), wm, **TOL):
            fail("u_surface_wmean differs")
        if not np.allclose(g["u_surface_wmean_sigma"].ravel(), ws, **TOL):
            fail("u_surface_wmean_sigma differs")
        checked += 2
    print("grid ok: %d rows, %d filled cells, %d fields%s"
          % (len(cell), np.count_nonzero(cnt), checked, " (weighted)" if has_sig else ""))


def read_sites(spec):
    out = []
    with open(spec) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            n, a, b = [x.strip() for x in line.split(",")]
            if n == "name" and a == "lat":
                continue
            out.append((n, float(a), float(b)))
    return out


def check_sites(path, radius, spec, where, classes, paths):
    radius = float(radius)
    r = load_rows(paths, where, classes)
    with open(path) as f:
        rows = list(csv.DictReader(f))
    if spec.startswith("builtin:"):
        if len(rows) != int(spec[8:]):
            fail("%d sites written, %s expected" % (len(rows), spec[8:]))
        sites = [(x["name"], float(x["lat"]), float(x["lon"])) for x in rows]
    else:
        sites = read_sites(spec)
    if [s[0] for s in sites] != [x["name"] for x in rows]:
        fail("site names/order differ")
    has_sig = "u_surface_wmean" in rows[0]
    d2r = np.pi / 180
    total = 0
    for (name, la, lo), row in zip(sites, rows):
        p1, p2 = la * d2r, r["lat"] * d2r
        h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((r["lon"] - lo) * d2r / 2) ** 2
        dist = 2 * 1737.4 * np.arcsin(np.sqrt(np.minimum(h, 1)))
        sel = dist <= radius
        if int(row["count"]) != int(sel.sum()):
            fail("%s: count %s, NumPy %d" % (name, row["count"], sel.sum()))
        total += int(sel.sum())
        for q, key in (("u_surface", "u"), ("u_sc", "usc"), ("t_e", "te")):
            want = stats(r[key][sel])
            for s, w in zip(("mean", "median", "p05", "p95", "std"), want):
                got = float(row["%s_%s" % (q, s)])
                if not np.isclose(got, w, **TOL):
                    fail("%s: %s_%s %r, NumPy %r" % (name, q, s, got, w))
        if has_sig:
            wm, ws = wmean(r["u"][sel], r["sig"][sel])
            if not np.isclose(float(row["u_surface_wmean"]), wm, **TOL) or not np.isclose(
                    float(row["u_surface_wmean_sigma"]), ws, **TOL):
                fail("%s: weighted mean differs" % name)
    print("sites ok: %d sites, %d site rows%s" % (len(rows), total, " (weighted)" if has_sig else ""))


def synth(out, seed, sigma):
    """A batch-like NPZ with the keys the products read: clustered footpoints
    (many rows per cell, ties, NaNs) so medians and percentiles are exercised."""
    rng = np.random.default_rng(int(seed))
    n = 5000
    lat = np.concatenate([rng.uniform(-90, 90, n - 1000), rng.normal(20, 2, 500),
                          np.full(500, 90.0)])
    lon = np.concatenate([rng.uniform(-180, 360, n - 1000), rng.normal(30, 2, 500),
                          rng.uniform(-180, 180, 500)])
    u = rng.normal(-60, 40, n).round(1)  # rounding makes ties
    u[rng.random(n) < 0.1] = np.nan
    lat[rng.random(n) < 0.02] = np.nan
    usc = rng.normal(10, 5, n)
    usc[rng.random(n) < 0.2] = np.nan
    te = rng.gamma(4, 10, n)
    te[rng.random(n) < 0.1] = np.nan
    d = dict(rows_projected_potential=u, rows_projection_latitude=lat,
             rows_projection_longitude=lon,
             rows_projection_in_sun=rng.random(n) < 0.5,
             rows_environment_class=rng.integers(0, 6, n).astype(np.int8),
             rows_spacecraft_potential=usc, rows_electron_temperature=te)
    if sigma:
        s = rng.uniform(1, 30, n)
        s[rng.random(n) < 0.15] = np.nan
        d["rows_projected_potential_sigma"] = s
        d["rows_spacecraft_potential_sigma"] = rng.uniform(0.5, 5, n)
    np.savez(out, **d)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "grid":
        check_grid(a[1], a[2], a[3], a[4], a[5:])
    elif a[0] == "sites":
        check_sites(a[1], a[2], a[3], a[4], a[5], a[6:])
    elif a[0] == "synth":
        synth(a[1], a[2], "--sigma" in a)
    else:
        sys.exit("unknown mode " + a[0])
