"""Checks an `lpmap batch` NPZ against docs/npz.md: every key, dtype and
length; spectra ascending by spec_no; the per-spectrum aggregation rule
(docs/decisions.md "Pipeline and outputs"). Usage:
check_batch_npz.py NPZ [--qc] [--u-spacecraft V] [--expect-sweeps N]
                   [--polish-starts N]"""
import sys

import numpy as np

ROWS = {
    "rows_spec_no": "int64", "rows_utc": "<U64", "rows_time": "<U64",
    "rows_spacecraft_latitude": "float64", "rows_spacecraft_longitude": "float64",
    "rows_projection_latitude": "float64", "rows_projection_longitude": "float64",
    "rows_spacecraft_potential": "float64", "rows_projected_potential": "float64",
    "rows_spacecraft_in_sun": "bool", "rows_projection_in_sun": "bool",
    "rows_projection_polarity": "int8", "rows_bs_over_bm": "float64",
    "rows_beam_amp": "float64", "rows_fit_chi2": "float64",
    "rows_electron_temperature": "float64", "rows_electron_density": "float64",
    "rows_kappa_value": "float64", "rows_environment_class": "int8",
    "rows_spacecraft_potential_sigma": "float64", "rows_projected_potential_sigma": "float64",
    "rows_et": "float64", "rows_datetime": "datetime64[ms]", "rows_status": "int8",
}
SPEC = {
    "spec_spec_no": "int64", "spec_time_start": "<U64", "spec_time_end": "<U64",
    "spec_has_fit": "bool", "spec_row_count": "int64", "spec_u_surface": "float64",
    "spec_bs_over_bm": "float64", "spec_fit_chi2": "float64",
    "spec_electron_temperature": "float64", "spec_electron_density": "float64",
    "spec_environment_class": "int8", "spec_status": "int8", "spec_fit_flags": "int8",
    "spec_spacecraft_potential": "float64", "spec_spacecraft_potential_sigma": "float64",
    "spec_u_surface_sigma": "float64", "spec_spacecraft_potential_method": "int8",
}
QC_ROWS = {"rows_u_width_lhs_dchi2red_0p001": "float64",
           "rows_u_is_identifiable_lhs_dchi2red_0p001": "bool"}
QC_SPEC = {"spec_u_width_lhs_dchi2red_0p001": "float64",
           "spec_u_is_identifiable_lhs_dchi2red_0p001": "bool"}
QC_SCALARS = {"u_width_lhs_delta_reduced": "float64",
              "u_width_lhs_identifiable_max_v": "float64"}
META = ["meta_version", "meta_physics", "meta_command_line", "meta_fit_method", "meta_normalization",
        "meta_incident_stat", "meta_seed", "meta_device", "meta_dtype", "meta_bounds_u_r_a",
        "meta_polish_starts",
        "meta_input_files", "meta_input_sizes", "meta_kernels", "meta_rows_read",
        "meta_sweeps_fitted", "meta_sweeps_dropped_bad_format", "meta_sweeps_dropped_bad_field",
        "meta_sweeps_dropped_bad_time", "meta_seconds_total", "meta_seconds_losscone_fit",
        "meta_status_names", "meta_fit_flag_names", "meta_usc_core_prior"]
STATUS_NAMES = ["ok", "no_geometry", "no_footpoint", "usc_no_data", "usc_kappa_rejected",
                "usc_no_root", "lc_no_data", "lc_rejected", "lc_at_bound"]
FLAG_NAMES = ["u_at_bound", "bs_bm_at_bound", "beam_amp_at_bound", "kappa_at_bound"]


def et_of_utc(utc):
    """TDB seconds past J2000 of UTC texts, written out independently of lpmap:
    UTC + delta_AT + 32.184 s (TT) + the LSK's periodic term K sin(E)
    (K = 1.657e-3 s, EB = 1.671e-2, M0 = 6.239996, M1 = 1.99096871e-7 rad/s),
    the conversion SPICE's str2et applies. delta_AT: 31 s from 1997-07-01,
    32 s from 1999-01-01, 33 s from 2006-01-01."""
    t = np.array(utc, dtype="datetime64[ms]")
    naive = (t - np.datetime64("2000-01-01T12:00:00", "ms")).astype(np.float64) / 1e3
    dat = np.where(t < np.datetime64("1999-01-01", "ms"), 31.0,
                   np.where(t < np.datetime64("2006-01-01", "ms"), 32.0, 33.0))
    tt = naive + dat + 32.184
    m = 6.239996 + 1.99096871e-7 * tt
    return tt + 1.657e-3 * np.sin(m + 1.671e-2 * np.sin(m))


def check_status_and_time(f, nr):
    """issue #15: spec_status 0 exactly when spec_has_fit, the names,
    rows_status = its sweep's, rows_datetime = rows_utc, rows_et = ET(UTC)."""
    names = [str(x) for x in f["meta_status_names"]]
    if names[:len(STATUS_NAMES)] != STATUS_NAMES:
        fail("meta_status_names %s" % names)
    if [str(x) for x in f["meta_fit_flag_names"]] != FLAG_NAMES:
        fail("meta_fit_flag_names %s" % list(f["meta_fit_flag_names"]))
    st, fit = f["spec_status"], f["spec_has_fit"]
    if not np.array_equal(st == 0, fit):
        fail("spec_status == 0 is not exactly spec_has_fit")
    if st.min() < 0 or st.max() >= len(names):
        fail("spec_status outside meta_status_names")
    # the codes explain the run's counters: a rejected lillis fit is always
    # code 7; a code 4/5 sweep is one the counters list as bad kappa / no root
    if int(np.sum(st == 7)) != int(f["meta_sweeps_invalid_fit"]):
        fail("%d sweeps lc_rejected, meta_sweeps_invalid_fit %d" % (np.sum(st == 7),
                                                                    f["meta_sweeps_invalid_fit"]))
    if np.sum(st == 4) > int(f["meta_sweeps_u_sc_bad_kappa_fit"]) or \
            np.sum(st == 5) > int(f["meta_sweeps_u_sc_no_root"]):
        fail("more U_sc status codes than the meta counters")
    uniq, first_row = np.unique(f["rows_spec_no"], return_index=True)  # spec_spec_no is sorted
    usc_first = f["rows_spacecraft_potential"][first_row]
    if np.any(np.isfinite(usc_first[np.isin(st, [3, 4, 5])])):
        fail("a sweep with a U_sc status has a U_sc")
    # how U_sc was obtained (docs/npz.md): 0-4 in consistent physics, none
    # without its U_sc
    meth = f["spec_spacecraft_potential_method"]
    if meth.min() < 0 or meth.max() > 4:
        fail("spec_spacecraft_potential_method outside 0-4")
    if str(f["meta_physics"]) == "reference" and meth.any():
        fail("a reference-physics NPZ has a U_sc method")
    if np.any(~np.isfinite(usc_first[meth > 0])):
        fail("a U_sc method without its U_sc")
    flags = f["spec_fit_flags"]
    if flags.min() < 0 or flags.max() >= 1 << len(FLAG_NAMES):
        fail("spec_fit_flags has unknown bits")
    order = np.searchsorted(f["spec_spec_no"], f["rows_spec_no"])
    if not np.array_equal(f["rows_status"], st[order]):
        fail("rows_status is not the status of the row's sweep")
    if not np.array_equal(f["rows_datetime"], np.array(f["rows_utc"], dtype="datetime64[ms]")):
        fail("rows_datetime differs from rows_utc")
    et = f["rows_et"]
    if not np.all(np.isfinite(et)):
        fail("rows_et has NaN for rows whose UTC converts")
    worst = np.max(np.abs(et - et_of_utc(f["rows_utc"])))
    if worst > 1e-4:
        fail("rows_et differs from ET(UTC) by %.3g s" % worst)
    if len(et) != nr:
        fail("rows_et length")


def fail(msg):
    print("NPZ CHECK FAILED: " + msg)
    sys.exit(1)


def main():
    path = sys.argv[1]
    qc = "--qc" in sys.argv
    usc = None
    expect_sweeps = None
    if "--u-spacecraft" in sys.argv:
        usc = float(sys.argv[sys.argv.index("--u-spacecraft") + 1])
    if "--expect-sweeps" in sys.argv:
        expect_sweeps = int(sys.argv[sys.argv.index("--expect-sweeps") + 1])
    polish_starts = None
    if "--polish-starts" in sys.argv:
        polish_starts = int(sys.argv[sys.argv.index("--polish-starts") + 1])
    f = np.load(path, allow_pickle=False)
    if polish_starts is not None and "meta_polish_starts" in f.files:
        if int(f["meta_polish_starts"]) != polish_starts:
            fail("meta_polish_starts %d, expected %d" % (int(f["meta_polish_starts"]),
                                                          polish_starts))
    keys = set(f.files)
    want = dict(ROWS)
    want.update(SPEC)
    if qc:
        want.update(QC_ROWS)
        want.update(QC_SPEC)
        want.update(QC_SCALARS)
    data_keys = {k for k in keys if not k.startswith("meta_")}
    if data_keys != set(want):
        fail("keys differ: missing %s, extra %s" % (sorted(set(want) - data_keys),
                                                   sorted(data_keys - set(want))))
    for k in META:
        if k not in keys:
            fail("missing " + k)
    for k, dt in want.items():
        if str(f[k].dtype) != dt:
            fail("%s has dtype %s, expected %s" % (k, f[k].dtype, dt))
    nr = len(f["rows_spec_no"])
    ns = len(f["spec_spec_no"])
    for k in list(ROWS) + (list(QC_ROWS) if qc else []):
        if f[k].ndim != 1 or len(f[k]) != nr:
            fail("%s has shape %s, expected (%d,)" % (k, f[k].shape, nr))
    for k in list(SPEC) + (list(QC_SPEC) if qc else []):
        if f[k].ndim != 1 or len(f[k]) != ns:
            fail("%s has shape %s, expected (%d,)" % (k, f[k].shape, ns))
    for k in QC_SCALARS if qc else []:
        if f[k].ndim != 0:
            fail(k + " is not a 0-d array")
    if nr == 0 or ns == 0:
        fail("no rows or no spectra")
    if expect_sweeps is not None and ns != expect_sweeps:
        fail("%d spectra, expected %d" % (ns, expect_sweeps))
    spec = f["spec_spec_no"]
    if not np.all(np.diff(spec) > 0):
        fail("spec_spec_no not strictly ascending")
    if int(f["spec_row_count"].sum()) != nr:
        fail("spec_row_count sums to %d, rows %d" % (f["spec_row_count"].sum(), nr))
    if int(f["meta_rows_read"]) != nr:
        fail("meta_rows_read %d != rows %d" % (int(f["meta_rows_read"]), nr))
    if not np.array_equal(f["spec_has_fit"], np.isfinite(f["spec_u_surface"])):
        fail("spec_has_fit != isfinite(spec_u_surface)")
    if int(f["meta_sweeps_fitted"]) != int(f["spec_has_fit"].sum()):
        fail("meta_sweeps_fitted disagrees with spec_has_fit")
    # per-spectrum aggregation against the rows
    rows_spec = f["rows_spec_no"]
    for i, s in enumerate(spec):
        idx = np.nonzero(rows_spec == s)[0]
        if len(idx) != f["spec_row_count"][i]:
            fail("spectrum %d: %d rows, spec_row_count %d" % (s, len(idx), f["spec_row_count"][i]))
        if f["spec_time_start"][i] != f["rows_time"][idx[0]] or \
                f["spec_time_end"][i] != f["rows_time"][idx[-1]]:
            fail("spectrum %d: time start/end are not the first/last row's time" % s)
        for sk, rk in (("spec_u_surface", "rows_projected_potential"),
                       ("spec_bs_over_bm", "rows_bs_over_bm"), ("spec_fit_chi2", "rows_fit_chi2"),
                       ("spec_electron_temperature", "rows_electron_temperature"),
                       ("spec_electron_density", "rows_electron_density"),
                       ("spec_spacecraft_potential", "rows_spacecraft_potential"),
                       ("spec_spacecraft_potential_sigma", "rows_spacecraft_potential_sigma"),
                       ("spec_u_surface_sigma", "rows_projected_potential_sigma")):
            a, b = f[sk][i], f[rk][idx]
            if not np.all((b == a) | (np.isnan(a) & np.isnan(b))):
                fail("spectrum %d: %s differs from its rows' %s" % (s, sk, rk))
        if f["spec_environment_class"][i] != f["rows_environment_class"][idx[0]]:
            fail("spectrum %d: environment class is not the first row's" % s)
    # a sigma only beside a value, never negative
    for v, sg in (("spec_spacecraft_potential", "spec_spacecraft_potential_sigma"),
                  ("spec_u_surface", "spec_u_surface_sigma")):
        if np.any(np.isfinite(f[sg]) & ~np.isfinite(f[v])):
            fail(sg + " is finite where " + v + " is NaN")
        if np.any(f[sg] < 0):
            fail(sg + " is negative")
    physics = str(f["meta_physics"])
    if physics not in ("reference", "consistent"):
        fail("meta_physics is %r" % physics)
    if physics == "reference" and np.any(np.isfinite(f["spec_spacecraft_potential_sigma"])):
        fail("reference physics has U_sc sigmas")
    # the default physics never hands out an estimate without its sigma
    # (issue #15); a --u-spacecraft value is given, not estimated
    if physics == "consistent":
        pairs = [("spec_u_surface", "spec_u_surface_sigma")]
        if not np.isfinite(f["meta_u_spacecraft_fixed"]):
            pairs.append(("spec_spacecraft_potential", "spec_spacecraft_potential_sigma"))
        for v, sg in pairs:
            if np.any(np.isfinite(f[v]) & ~np.isfinite(f[sg])):
                fail(v + " is finite where " + sg + " is NaN")
    pol = f["rows_projection_polarity"]
    if not set(np.unique(pol)).issubset({-1, 0, 1}):
        fail("polarity outside -1/0/1")
    if not np.all(np.isnan(f["rows_projection_latitude"][pol == 0])):
        fail("rows without a footpoint have a footpoint latitude")
    if not np.all(np.isfinite(f["rows_projection_latitude"][pol != 0])):
        fail("rows with a footpoint lack its latitude")
    if not set(np.unique(f["rows_environment_class"])).issubset(set(range(6))):
        fail("environment class outside 0..5")
    check_status_and_time(f, nr)
    if usc is not None:
        # a constant U_sc: no sweep can lack it
        if np.any(np.isin(f["spec_status"], [3, 4, 5])):
            fail("a U_sc status with --u-spacecraft")
        if not np.all(f["rows_spacecraft_potential"] == usc):
            fail("rows_spacecraft_potential is not the --u-spacecraft value")
        for k in ("rows_electron_temperature", "rows_electron_density", "rows_kappa_value",
                  "rows_spacecraft_potential_sigma"):
            if not np.all(np.isnan(f[k])):
                fail(k + " is not NaN with --u-spacecraft")
    print("NPZ OK: %d rows, %d spectra, %d fitted" % (nr, ns, int(f["spec_has_fit"].sum())))


main()
