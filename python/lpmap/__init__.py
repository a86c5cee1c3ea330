"""lpmap from Python: ctypes over liblpmap.so (the C API of include/lpmap.h).

Pure Python, NumPy arrays in and out (docs/python.md)::

    import lpmap
    sweeps = lpmap.Sweeps(["3D980401.TAB"], theta="theta.tab")
    with lpmap.Session(seed=42) as s:
        usc = s.estimate_usc(sweeps, sunlit=np.ones(len(sweeps), np.int8))
        fit = s.fit_losscone(sweeps, usc["u_sc"], u_sc_sigma=usc["u_sc_sigma"])
    arrays = lpmap.read_npz("out.npz")

The library is found through the LPMAP_LIBRARY environment variable (a path
to liblpmap.so), then next to this package in a build tree (../../build),
then the system's loader path.
"""

from ._lib import LpmapError, library_path, version
from .api import Session, Sweeps, devices, read_npz, write_npz

__all__ = ["LpmapError", "Session", "Sweeps", "devices", "read_npz", "write_npz", "version", "library_path"]
