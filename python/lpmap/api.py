"""Sweeps, Session and NPZ helpers: NumPy in, NumPy out, over the C API."""

import ctypes
import os

import numpy as np

from ._lib import (N_CHANNELS, N_ENERGIES, DeviceInfo, LossconeResult, Settings, UscResult,
                   c_double_p, check, lib)

_FIELDS = {  # lpmap_field value, shape per sweep
    "time": (0, ()),
    "spec_no": (1, ()),
    "n_rows": (2, ()),
    "energy": (3, (N_ENERGIES,)),
    "mag": (4, (N_ENERGIES, 3)),
    "flux": (5, (N_ENERGIES, N_CHANNELS)),
    "phi": (6, (N_ENERGIES, N_CHANNELS)),
}
_DEVICES = {"cpu": 0, "gpu": 1, "auto": 2}
_METHODS = {"halekas": 0, "lillis": 1}


def _struct_dtype(struct):
    """The NumPy dtype with the layout of a ctypes results structure."""
    return np.dtype([(name, np.float64 if t is ctypes.c_double else np.int64)
                     for name, t in struct._fields_])


USC_DTYPE = _struct_dtype(UscResult)
LOSSCONE_DTYPE = _struct_dtype(LossconeResult)
assert USC_DTYPE.itemsize == ctypes.sizeof(UscResult)
assert LOSSCONE_DTYPE.itemsize == ctypes.sizeof(LossconeResult)


def _range(n_total, first, n):
    n = n_total - first if n is None else n
    if first < 0 or n < 0 or first + n > n_total:
        raise IndexError(f"sweeps [{first}, {first + n}) outside the set of {n_total}")
    return n


def devices():
    """The devices a Session can use: the CPU first, then each usable CUDA
    device, as dicts (kind "cpu"/"gpu", index, name, threads, total_mem,
    free_mem in bytes, compute_capability)."""
    n = ctypes.c_size_t()
    check(lib.lpmap_devices_list(None, 0, ctypes.byref(n)))
    arr = (DeviceInfo * max(n.value, 1))()
    check(lib.lpmap_devices_list(arr, n.value, ctypes.byref(n)))
    return [{"kind": "gpu" if d.kind == 1 else "cpu", "index": d.index, "name": d.name.decode(),
             "threads": d.threads, "total_mem": d.total_mem, "free_mem": d.free_mem,
             "compute_capability": (d.cc_major, d.cc_minor)} for d in arr[:n.value]]


class _Handle:
    """Owns one C handle (self._h); close(), leaving a `with` block or
    garbage collection frees it with the library function named _FREE."""

    _FREE = None

    def close(self):
        if getattr(self, "_h", None):
            getattr(lib, self._FREE)(self._h)
            self._h = None

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Sweeps(_Handle):
    """ER files read and cleaned as `lpmap batch` reads them."""

    _FREE = "lpmap_sweeps_free"

    def __init__(self, paths, theta, strict=False):
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        enc = [os.fsencode(p) for p in paths]
        arr = (ctypes.c_char_p * max(len(enc), 1))(*enc)
        h = ctypes.c_void_p()
        check(lib.lpmap_sweeps_read(arr, len(enc), os.fsencode(theta), int(bool(strict)),
                                    ctypes.byref(h)))
        self._h = h

    @classmethod
    def from_arrays(cls, n_rows, energy, mag, flux, phi, theta, time=None):
        """A sweep set from arrays of your own: n_rows (n,), energy (n, 15),
        mag (n, 15, 3), flux and phi (n, 15, 88), NaN-padded past n_rows;
        theta: the 88 channel elevations (deg); time (n,) or None. Used as
        given (no cleaning); spec_no become 1..n."""
        n_rows = np.ascontiguousarray(n_rows, dtype=np.int32)
        n = n_rows.shape[0]

        def arr(a, shape, name):
            a = np.ascontiguousarray(a, dtype=np.float64)
            if a.shape != shape:
                raise ValueError(f"{name}: shape {a.shape}, expected {shape}")
            return a

        energy = arr(energy, (n, N_ENERGIES), "energy")
        mag = arr(mag, (n, N_ENERGIES, 3), "mag")
        flux = arr(flux, (n, N_ENERGIES, N_CHANNELS), "flux")
        phi = arr(phi, (n, N_ENERGIES, N_CHANNELS), "phi")
        theta = arr(theta, (N_CHANNELS,), "theta")
        t = None if time is None else arr(time, (n,), "time")
        h = ctypes.c_void_p()
        p = lambda a: None if a is None else a.ctypes.data_as(c_double_p)  # noqa: E731
        check(lib.lpmap_sweeps_create(n, n_rows.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
                                      p(t), p(energy), p(mag), p(flux), p(phi), p(theta),
                                      ctypes.byref(h)))
        self = cls.__new__(cls)
        self._h = h
        return self

    def __len__(self):
        return lib.lpmap_sweeps_count(self._h)

    def array(self, field, first=0, n=None):
        """Per-sweep array `field` (time, spec_no, n_rows, energy, mag, flux,
        phi) of sweeps [first, first+n), shape (n, ...), NaN-padded."""
        code, shape = _FIELDS[field]
        n = _range(len(self), first, n)
        out = np.empty((n,) + shape, dtype=np.float64)
        check(lib.lpmap_sweeps_copy(self._h, code, first, n, out.ctypes.data_as(c_double_p)))
        if field in ("spec_no", "n_rows"):
            return out.astype(np.int64)
        return out


class Session(_Handle):
    """A fitting backend: device "cpu", "gpu" (no fallback) or "auto"."""

    _FREE = "lpmap_session_free"

    def __init__(self, device="cpu", seed=42, threads=0, method="halekas", polish=True,
                 normalization="ratio", incident="mean", gpu_index=0, physics="consistent"):
        s = Settings()
        lib.lpmap_settings_init(ctypes.byref(s))
        s.device = _DEVICES[device]
        s.gpu_index = gpu_index
        s.threads = threads
        s.seed = seed
        s.method = _METHODS[method]
        s.polish = int(bool(polish))
        s.normalization = {"ratio": 0, "ratio2": 1}[normalization]
        s.incident = {"mean": 0, "max": 1}[incident]
        s.physics = {"consistent": 0, "reference": 1}[physics]
        h = ctypes.c_void_p()
        check(lib.lpmap_session_create(ctypes.byref(s), ctypes.byref(h)))
        self._h = h

    @property
    def device_name(self):
        return lib.lpmap_session_device_name(self._h).decode()

    def estimate_usc(self, sweeps, sunlit, first=0):
        """U_sc of sweeps [first, first+len(sunlit)); sunlit: 1, 0 or -1
        (unknown) per sweep. Returns a structured array (u_sc, te_ev,
        density, kappa, status, u_sc_sigma); the physics is the session's
        ("consistent" or "reference", as `lpmap batch --physics`)."""
        sunlit = np.ascontiguousarray(sunlit, dtype=np.int8)
        n = _range(len(sweeps), first, len(sunlit))
        out = np.empty(n, dtype=USC_DTYPE)
        check(lib.lpmap_session_estimate_usc(
            self._h, sweeps._h, first, n, sunlit.ctypes.data_as(ctypes.POINTER(ctypes.c_int8)),
            out.ctypes.data_as(ctypes.POINTER(UscResult))))
        return out

    def fit_losscone(self, sweeps, u_sc, first=0, u_sc_sigma=None):
        """Loss-cone fits of sweeps [first, first+len(u_sc)) at the given
        U_sc (NaN: not fitted) and its 1-sigma (None: U_sc taken as exact).
        Returns a structured array (u_surface, bs_over_bm, beam_amp, chi2,
        u_width, generations, status, u_identifiable, u_surface_sigma); with
        the consistent physics u_surface is the profile mean and
        u_surface_sigma its spread, as in `lpmap batch`."""
        u_sc = np.ascontiguousarray(u_sc, dtype=np.float64)
        n = _range(len(sweeps), first, len(u_sc))
        sig = None
        if u_sc_sigma is not None:
            sig = np.ascontiguousarray(u_sc_sigma, dtype=np.float64)
            if sig.shape != u_sc.shape:
                raise ValueError("u_sc_sigma must have the shape of u_sc")
        out = np.empty(n, dtype=LOSSCONE_DTYPE)
        check(lib.lpmap_session_fit_losscone(
            self._h, sweeps._h, first, n, u_sc.ctypes.data_as(c_double_p),
            None if sig is None else sig.ctypes.data_as(c_double_p),
            out.ctypes.data_as(ctypes.POINTER(LossconeResult))))
        return out


def read_npz(path):
    """Every array of an NPZ as float64 NumPy arrays with their shapes
    (strings are refused by the C reader and skipped here)."""
    h = ctypes.c_void_p()
    check(lib.lpmap_npz_open(os.fsencode(path), ctypes.byref(h)))
    try:
        out = {}
        for i in range(lib.lpmap_npz_count(h)):
            key = lib.lpmap_npz_key(h, i)
            ndim = ctypes.c_int()
            shape = (ctypes.c_size_t * 8)()
            check(lib.lpmap_npz_shape(h, key, ctypes.byref(ndim), shape))
            data = c_double_p()
            n = ctypes.c_size_t()
            st = lib.lpmap_npz_read_f64(h, key, ctypes.byref(data), ctypes.byref(n))
            if st == 2:  # LPMAP_ERR_FORMAT: a string array
                continue
            check(st)
            try:
                a = np.ctypeslib.as_array(data, shape=(n.value,)).copy() if n.value else np.empty(0)
            finally:
                lib.lpmap_free(data)
            out[key.decode()] = a.reshape(tuple(shape[:ndim.value]))
        return out
    finally:
        lib.lpmap_npz_close(h)


def write_npz(path, arrays, overwrite=False):
    """Write 1-d float64/int64 arrays {name: array} atomically."""
    h = ctypes.c_void_p()
    check(lib.lpmap_npz_writer_open(os.fsencode(path), int(bool(overwrite)), ctypes.byref(h)))
    try:
        for name, a in arrays.items():
            a = np.asarray(a)
            if a.ndim != 1:
                raise ValueError(f"{name}: only 1-d arrays")
            if np.issubdtype(a.dtype, np.integer):
                a = np.ascontiguousarray(a, dtype=np.int64)
                check(lib.lpmap_npz_writer_add_i64(
                    h, name.encode(), a.ctypes.data_as(ctypes.POINTER(ctypes.c_int64)), a.size))
            else:
                a = np.ascontiguousarray(a, dtype=np.float64)
                check(lib.lpmap_npz_writer_add_f64(h, name.encode(), a.ctypes.data_as(c_double_p),
                                                   a.size))
    except BaseException:
        lib.lpmap_npz_writer_abort(h)
        raise
    check(lib.lpmap_npz_writer_commit(h))
