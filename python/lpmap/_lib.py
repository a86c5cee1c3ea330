"""Loading liblpmap.so and declaring the C functions' signatures."""

import ctypes
import ctypes.util
import os

N_ENERGIES = 15
N_CHANNELS = 88


class LpmapError(RuntimeError):
    """A failing liblpmap call: .status is the lpmap_status name ("io", ...)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _candidates():
    env = os.environ.get("LPMAP_LIBRARY")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    for rel in ("../../build", "../../build-cuda", "../../lib", "../../../lib"):
        yield os.path.normpath(os.path.join(here, rel, "liblpmap.so"))
    found = ctypes.util.find_library("lpmap")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append(f"{path} ({e})")
    raise ImportError("liblpmap.so not found: set LPMAP_LIBRARY (tried: " + ", ".join(tried) + ")")


lib, library_path = _load()

c_double_p = ctypes.POINTER(ctypes.c_double)


class UscResult(ctypes.Structure):
    _fields_ = [("u_sc", ctypes.c_double), ("te_ev", ctypes.c_double),
                ("density", ctypes.c_double), ("kappa", ctypes.c_double),
                ("status", ctypes.c_int64), ("u_sc_sigma", ctypes.c_double)]


class LossconeResult(ctypes.Structure):
    _fields_ = [("u_surface", ctypes.c_double), ("bs_over_bm", ctypes.c_double),
                ("beam_amp", ctypes.c_double), ("chi2", ctypes.c_double),
                ("u_width", ctypes.c_double), ("generations", ctypes.c_int64),
                ("status", ctypes.c_int64), ("u_identifiable", ctypes.c_int64),
                ("u_surface_sigma", ctypes.c_double)]


class DeviceInfo(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int64), ("index", ctypes.c_int64),
                ("name", ctypes.c_char * 256), ("threads", ctypes.c_int64),
                ("total_mem", ctypes.c_int64), ("free_mem", ctypes.c_int64),
                ("cc_major", ctypes.c_int64), ("cc_minor", ctypes.c_int64)]


class Settings(ctypes.Structure):
    # lpmap_settings: enums are C ints.
    _fields_ = [("device", ctypes.c_int), ("gpu_index", ctypes.c_int),
                ("threads", ctypes.c_int), ("seed", ctypes.c_uint64),
                ("method", ctypes.c_int), ("polish", ctypes.c_int),
                ("normalization", ctypes.c_int), ("incident", ctypes.c_int),
                ("physics", ctypes.c_int)]


def _sig(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)


_st = ctypes.c_int
_vp = ctypes.c_void_p
_sz = ctypes.c_size_t
_sig("lpmap_version_string", ctypes.c_char_p)
_sig("lpmap_status_string", ctypes.c_char_p, _st)
_sig("lpmap_last_error", ctypes.c_char_p)
_sig("lpmap_free", None, _vp)
_sig("lpmap_sweeps_read", _st, ctypes.POINTER(ctypes.c_char_p), _sz, ctypes.c_char_p,
     ctypes.c_int, ctypes.POINTER(_vp))
_sig("lpmap_sweeps_create", _st, _sz, ctypes.POINTER(ctypes.c_int32), c_double_p, c_double_p,
     c_double_p, c_double_p, c_double_p, c_double_p, ctypes.POINTER(_vp))
_sig("lpmap_sweeps_free", None, _vp)
_sig("lpmap_sweeps_count", _sz, _vp)
_sig("lpmap_sweeps_copy", _st, _vp, ctypes.c_int, _sz, _sz, c_double_p)
_sig("lpmap_devices_list", _st, ctypes.POINTER(DeviceInfo), _sz, ctypes.POINTER(_sz))
_sig("lpmap_settings_init", None, ctypes.POINTER(Settings))
_sig("lpmap_session_create", _st, ctypes.POINTER(Settings), ctypes.POINTER(_vp))
_sig("lpmap_session_free", None, _vp)
_sig("lpmap_session_device_name", ctypes.c_char_p, _vp)
_sig("lpmap_session_estimate_usc", _st, _vp, _vp, _sz, _sz, ctypes.POINTER(ctypes.c_int8),
     ctypes.POINTER(UscResult))
_sig("lpmap_session_fit_losscone", _st, _vp, _vp, _sz, _sz, c_double_p, c_double_p,
     ctypes.POINTER(LossconeResult))
_sig("lpmap_npz_writer_open", _st, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(_vp))
_sig("lpmap_npz_writer_add_f64", _st, _vp, ctypes.c_char_p, c_double_p, _sz)
_sig("lpmap_npz_writer_add_i64", _st, _vp, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int64), _sz)
_sig("lpmap_npz_writer_commit", _st, _vp)
_sig("lpmap_npz_writer_abort", None, _vp)
_sig("lpmap_npz_open", _st, ctypes.c_char_p, ctypes.POINTER(_vp))
_sig("lpmap_npz_close", None, _vp)
_sig("lpmap_npz_count", _sz, _vp)
_sig("lpmap_npz_key", ctypes.c_char_p, _vp, _sz)
_sig("lpmap_npz_shape", _st, _vp, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(_sz))
_sig("lpmap_npz_read_f64", _st, _vp, ctypes.c_char_p, ctypes.POINTER(c_double_p),
     ctypes.POINTER(_sz))


def check(status):
    """Raise LpmapError with the library's message for a failing status."""
    if status != 0:
        name = lib.lpmap_status_string(status).decode()
        raise LpmapError(name, lib.lpmap_last_error().decode(errors="replace"))


def version():
    return lib.lpmap_version_string().decode()
