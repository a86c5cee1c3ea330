"""Per-illumination U_sc / U_surface figures of an `lpmap batch` NPZ against
the simulator's truth.csv (sweeps matched by their first row's UTC), as one
JSON object: for sunlit and shadowed sweeps with a finite truth, the U_sc
coverage, median |error|, median relative error, fractions within 1 and 3
sigma, and the shadowed U_surface median |error| and sigma fractions.
Usage: usc_science.py NPZ TRUTH_CSV"""
import csv
import json
import sys

import numpy as np

z = np.load(sys.argv[1])
truth = {r["utc"]: r for r in csv.DictReader(open(sys.argv[2]))}
first = {}
for no, utc in zip(z["rows_spec_no"], z["rows_utc"]):
    first.setdefault(int(no), str(utc))
keep = np.array([first.get(int(s)) in truth for s in z["spec_spec_no"]])
rows = [truth[first[int(s)]] for s in z["spec_spec_no"][keep]]


def col(name):
    return np.array([float(r[name]) for r in rows])


u, su = z["spec_spacecraft_potential"][keep], z["spec_spacecraft_potential_sigma"][keep]
us, sus = z["spec_u_surface"][keep], z["spec_u_surface_sigma"][keep]
ut, ust, sun = col("u_spacecraft"), col("u_surface"), col("spacecraft_in_sun")
out = {}
for name, m in (("sunlit", sun == 1), ("shadow", sun == 0)):
    m = m & np.isfinite(ut)
    ok = m & np.isfinite(u)
    e = np.abs(u[ok] - ut[ok])
    out[name + "_n"] = int(m.sum())
    out[name + "_usc_coverage"] = float(ok.sum() / max(m.sum(), 1))
    out[name + "_usc_abs_err_median"] = float(np.median(e)) if e.size else float("nan")
    out[name + "_usc_rel_err_median"] = (float(np.median(e / np.abs(ut[ok])))
                                         if e.size else float("nan"))
    out[name + "_usc_within_1sigma"] = float(np.mean(e <= su[ok])) if e.size else float("nan")
    out[name + "_usc_within_3sigma"] = float(np.mean(e <= 3 * su[ok])) if e.size else float("nan")
    ok2 = m & np.isfinite(us) & np.isfinite(ust)
    e2 = np.abs(us[ok2] - ust[ok2])
    out[name + "_usurf_n"] = int(ok2.sum())
    out[name + "_usurf_abs_err_median"] = float(np.median(e2)) if e2.size else float("nan")
    out[name + "_usurf_within_1sigma"] = float(np.mean(e2 <= sus[ok2])) if e2.size else float("nan")
    out[name + "_usurf_within_3sigma"] = (float(np.mean(e2 <= 3 * sus[ok2]))
                                          if e2.size else float("nan"))
print(json.dumps(out))
