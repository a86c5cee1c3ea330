"""The Python package against the C API and the CLI (run by ctest with
/usr/bin/python3). Needs LPMAP_LIBRARY (liblpmap.so), LPMAP_BIN (the lpmap
executable) and LPMAP_CONSUMER (examples/consumer built in the tree)."""

import glob
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import lpmap  # noqa: E402

BIN = os.environ["LPMAP_BIN"]
CONSUMER = os.environ["LPMAP_CONSUMER"]


def same(a, b):
    """Bit-for-bit equality with NaN == NaN."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


class LpmapTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.sim = os.path.join(cls.dir, "sim")
        subprocess.run([BIN, "simulate", "--out", cls.sim, "--days", "1", "--sweeps-per-day",
                        "20", "-q"], check=True)
        cls.er = sorted(glob.glob(os.path.join(cls.sim, "*", "*", "3D*.TAB")))
        cls.theta = os.path.join(cls.sim, "theta.tab")
        # The reference physics: its U_sc uses no footpoint geometry, which
        # the API does not have, so the API equals the batch bit for bit.
        subprocess.run([BIN, "batch", "--data-dir", cls.sim, "--output-dir",
                        os.path.join(cls.dir, "batch"), "--physics", "reference"], check=True,
                       capture_output=True)
        cls.batch = np.load(os.path.join(cls.dir, "batch", "potential_batch_all.npz"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_version_and_library(self):
        self.assertRegex(lpmap.version(), r"^\d+\.\d+\.\d+$")
        self.assertTrue(os.path.exists(lpmap.library_path))

    def test_sweeps_arrays(self):
        s = lpmap.Sweeps(self.er, theta=self.theta)
        self.assertEqual(len(s), 20)
        self.assertEqual(s.array("flux").shape, (20, 15, 88))
        self.assertEqual(s.array("mag", first=5, n=2).shape, (2, 15, 3))
        self.assertTrue(np.array_equal(s.array("spec_no"), self.batch["spec_spec_no"]))
        self.assertTrue(np.array_equal(s.array("n_rows"), self.batch["spec_row_count"]))
        with self.assertRaises(IndexError):
            s.array("energy", first=19, n=2)

    def test_usc_equals_batch(self):
        # The batch's illumination per sweep in, its U_sc out, bit for bit
        # (same sweep index = same random stream, same seed).
        b = self.batch
        first_row = np.searchsorted(b["rows_spec_no"], b["spec_spec_no"])
        sunlit = b["rows_spacecraft_in_sun"][first_row].astype(np.int8)
        s = lpmap.Sweeps(self.er, theta=self.theta)
        with lpmap.Session(seed=42, physics="reference") as ss:
            usc = ss.estimate_usc(s, sunlit)
        self.assertTrue(same(usc["u_sc"], b["rows_spacecraft_potential"][first_row]))
        self.assertTrue(np.all(np.isnan(usc["u_sc_sigma"])))
        self.assertTrue(same(usc["te_ev"], b["spec_electron_temperature"]))
        self.assertGreater(int(np.sum(usc["status"] == 0)), 0)
        # Another seed draws other kappa fits.
        with lpmap.Session(seed=7, physics="reference") as ss:
            other = ss.estimate_usc(s, sunlit)
        self.assertFalse(same(other["te_ev"], usc["te_ev"]))

    def test_usc_consistent_has_sigma(self):
        # The default (consistent) physics gives a positive finite 1-sigma
        # wherever it gives a U_sc, and the same numbers on a second call.
        b = self.batch
        first_row = np.searchsorted(b["rows_spec_no"], b["spec_spec_no"])
        sunlit = b["rows_spacecraft_in_sun"][first_row].astype(np.int8)
        s = lpmap.Sweeps(self.er, theta=self.theta)
        with lpmap.Session() as ss:
            usc = ss.estimate_usc(s, sunlit)
            again = ss.estimate_usc(s, sunlit)
        ok = np.isfinite(usc["u_sc"])
        self.assertGreater(int(ok.sum()), len(ok) // 2)
        self.assertTrue(np.all(np.isfinite(usc["u_sc_sigma"][ok])))
        self.assertTrue(np.all(usc["u_sc_sigma"][ok] > 0))
        self.assertTrue(same(usc["u_sc"], again["u_sc"]))

    def test_losscone_equals_batch_where_polarity_is_default(self):
        # The API uses b = -B/|B| (footpoint polarity -1) on every row; the
        # batch uses the footpoint polarity from geometry. Where that is -1
        # on every row of a sweep the fits are the same, bit for bit.
        b = self.batch
        first_row = np.searchsorted(b["rows_spec_no"], b["spec_spec_no"])
        u_sc = b["rows_spacecraft_potential"][first_row]
        s = lpmap.Sweeps(self.er, theta=self.theta)
        # the batch ran --physics reference: its loss-cone objective is the
        # ln(norm) least squares, the consistent session's the counts
        with lpmap.Session(seed=42, physics="reference") as ss:
            fit = ss.fit_losscone(s, u_sc)
        pol = b["rows_projection_polarity"]
        default = np.array([np.all(pol[b["rows_spec_no"] == k] == -1) for k in b["spec_spec_no"]])
        self.assertGreater(int(default.sum()), 0, "no sweep with polarity -1 on every row")
        self.assertTrue(same(fit["u_surface"][default], b["spec_u_surface"][default]))
        self.assertTrue(same(fit["chi2"][default], b["spec_fit_chi2"][default]))

    def test_losscone_consistent_equals_batch(self):
        # The default physics: given the batch's U_sc and its sigma, the API
        # gives the batch's U_surface (the profile mean) and its sigma on
        # sweeps whose rows all have footpoint polarity -1 (the API's).
        out = os.path.join(self.dir, "batch_consistent")
        subprocess.run([BIN, "batch", "--data-dir", self.sim, "--output-dir", out], check=True,
                       capture_output=True)
        b = np.load(os.path.join(out, "potential_batch_all.npz"))
        s = lpmap.Sweeps(self.er, theta=self.theta)
        with lpmap.Session(seed=42) as ss:
            fit = ss.fit_losscone(s, b["spec_spacecraft_potential"],
                                  u_sc_sigma=b["spec_spacecraft_potential_sigma"])
        pol = b["rows_projection_polarity"]
        default = np.array([np.all(pol[b["rows_spec_no"] == k] == -1) for k in b["spec_spec_no"]])
        default &= np.isfinite(b["spec_u_surface"])
        self.assertGreater(int(default.sum()), 0, "no fitted sweep with polarity -1 on every row")
        self.assertTrue(same(fit["u_surface"][default], b["spec_u_surface"][default]))
        self.assertTrue(same(fit["u_surface_sigma"][default], b["spec_u_surface_sigma"][default]))

    def test_sweeps_from_arrays_equal_files(self):
        # The same arrays handed in from NumPy fit to the same numbers.
        f = lpmap.Sweeps(self.er, theta=self.theta)
        theta = np.loadtxt(self.theta)
        a = lpmap.Sweeps.from_arrays(f.array("n_rows"), f.array("energy"), f.array("mag"),
                                     f.array("flux"), f.array("phi"), theta, f.array("time"))
        self.assertEqual(len(a), len(f))
        self.assertTrue(np.array_equal(a.array("spec_no"), np.arange(1, len(f) + 1)))
        self.assertTrue(same(a.array("flux"), f.array("flux")))
        self.assertTrue(same(a.array("time"), f.array("time")))
        sun = np.ones(len(f), np.int8)
        with lpmap.Session(seed=42) as ss:
            ua, uf = ss.estimate_usc(a, sun), ss.estimate_usc(f, sun)
            self.assertTrue(same(ua["u_sc"], uf["u_sc"]))
            fa, ff = ss.fit_losscone(a, ua["u_sc"]), ss.fit_losscone(f, uf["u_sc"])
            self.assertTrue(same(fa["u_surface"], ff["u_surface"]))
        n_rows = f.array("n_rows")
        n_rows[3] = 0
        with self.assertRaises(lpmap.LpmapError) as e:
            lpmap.Sweeps.from_arrays(n_rows, f.array("energy"), f.array("mag"), f.array("flux"),
                                     f.array("phi"), theta)
        self.assertEqual(e.exception.status, "range")
        with self.assertRaises(lpmap.LpmapError):  # not a valid set of elevations
            lpmap.Sweeps.from_arrays(f.array("n_rows"), f.array("energy"), f.array("mag"),
                                     f.array("flux"), f.array("phi"), np.zeros(88))
        with self.assertRaises(ValueError):
            lpmap.Sweeps.from_arrays(f.array("n_rows"), f.array("energy")[:, :3], f.array("mag"),
                                     f.array("flux"), f.array("phi"), theta)

    def test_equals_c_api_consumer(self):
        out = os.path.join(self.dir, "consumer.npz")
        subprocess.run([CONSUMER, out, self.theta] + self.er + ["--max", "20", "--seed", "42"],
                       check=True, capture_output=True)
        c = lpmap.read_npz(out)
        s = lpmap.Sweeps(self.er, theta=self.theta)
        with lpmap.Session(seed=42, threads=1) as ss:
            usc = ss.estimate_usc(s, np.ones(len(s), np.int8))
            fit = ss.fit_losscone(s, usc["u_sc"], u_sc_sigma=usc["u_sc_sigma"])
        self.assertTrue(same(usc["u_sc"], c["u_sc"]))
        self.assertTrue(same(fit["u_surface"], c["u_surface"]))
        self.assertTrue(same(fit["u_surface_sigma"], c["u_surface_sigma"]))
        self.assertGreater(int(np.isfinite(fit["u_surface_sigma"]).sum()), 0)
        self.assertTrue(np.array_equal(fit["status"], c["fit_status"]))
        # numpy reads the library's NPZ the same way.
        with np.load(out) as d:
            self.assertTrue(same(d["u_surface"], c["u_surface"]))

    def test_split_calls_equal_one_call(self):
        s = lpmap.Sweeps(self.er, theta=self.theta)
        sun = np.ones(len(s), np.int8)
        with lpmap.Session(seed=42) as ss:
            whole = ss.estimate_usc(s, sun)
            parts = np.concatenate([ss.estimate_usc(s, sun[:7]), ss.estimate_usc(s, sun[7:], first=7)])
        self.assertTrue(same(whole["u_sc"], parts["u_sc"]))

    def test_npz_roundtrip_and_errors(self):
        path = os.path.join(self.dir, "rt.npz")
        lpmap.write_npz(path, {"a": np.array([1.5, np.nan]), "k": np.arange(3)})
        d = lpmap.read_npz(path)
        self.assertTrue(same(d["a"], [1.5, np.nan]))
        self.assertTrue(np.array_equal(d["k"], [0, 1, 2]))
        with self.assertRaises(lpmap.LpmapError) as e:  # exists, no overwrite
            lpmap.write_npz(path, {"a": np.zeros(1)})
        self.assertEqual(e.exception.status, "io")
        self.assertTrue(same(lpmap.read_npz(path)["a"], [1.5, np.nan]))  # unchanged
        # The batch NPZ: numeric arrays with their shapes, strings skipped.
        bd = lpmap.read_npz(os.path.join(self.dir, "batch", "potential_batch_all.npz"))
        self.assertTrue(same(bd["spec_u_surface"], self.batch["spec_u_surface"]))
        self.assertNotIn("rows_utc", bd)

    def test_devices_and_device_choice(self):
        devs = lpmap.devices()
        self.assertEqual(devs[0]["kind"], "cpu")
        self.assertEqual(devs[0]["name"], "cpu")
        self.assertGreaterEqual(devs[0]["threads"], 1)
        gpus = [d for d in devs[1:] if d["kind"] == "gpu"]
        self.assertEqual(len(gpus), len(devs) - 1)
        s = lpmap.Sweeps(self.er, theta=self.theta)
        sun = np.ones(len(s), np.int8)
        with lpmap.Session(device="cpu") as ss:
            self.assertEqual(ss.device_name, "cpu")
            cpu = ss.estimate_usc(s, sun)
        with lpmap.Session(device="auto") as ss:
            auto = ss.estimate_usc(s, sun)
            self.assertEqual(ss.device_name, "cpu" if not gpus else gpus[0]["name"])
        if not gpus:  # auto fell back to the CPU: the same numbers
            self.assertTrue(same(auto["u_sc"], cpu["u_sc"]))
            with self.assertRaises(lpmap.LpmapError) as e:  # asked for a GPU: no fallback
                lpmap.Session(device="gpu")
            self.assertEqual(e.exception.status, "device")
        else:  # fp64 on the device: the same fits to round-off
            self.assertTrue(np.array_equal(auto["status"], cpu["status"]))
            ok = cpu["status"] == 0
            np.testing.assert_allclose(auto["u_sc"][ok], cpu["u_sc"][ok], rtol=1e-6)

    def test_bad_inputs(self):
        with self.assertRaises(lpmap.LpmapError) as e:
            lpmap.Sweeps([os.path.join(self.dir, "missing.TAB")], theta=self.theta)
        self.assertEqual(e.exception.status, "io")
        self.assertIn("missing.TAB", str(e.exception))
        with self.assertRaises(lpmap.LpmapError) as e:
            lpmap.Sweeps(self.er, theta=self.er[0])  # not a theta table
        bad = os.path.join(self.dir, "bad.npz")
        with open(bad, "wb") as f:
            f.write(b"not a zip")
        with self.assertRaises(lpmap.LpmapError):
            lpmap.read_npz(bad)
        with self.assertRaises(lpmap.LpmapError) as e:
            lpmap.Session(threads=-1)
        self.assertEqual(e.exception.status, "usage")


if __name__ == "__main__":
    unittest.main(verbosity=2)
