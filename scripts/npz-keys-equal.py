#!/usr/bin/env python3
"""Every key of the OLD NPZ must exist in NEW with the same dtype, shape and
values (NaN equal to NaN); NEW may add keys. Wall times (meta_seconds_*),
meta_command_line and the fingerprint (it names the build's source tree)
are skipped. Exit 1 naming each difference.
  scripts/npz-keys-equal.py OLD.npz NEW.npz"""
import sys

import numpy as np


def main():
    old, new = np.load(sys.argv[1], allow_pickle=False), np.load(sys.argv[2], allow_pickle=False)
    bad = []
    for k in old.files:
        if k.startswith("meta_seconds") or k in ("meta_command_line", "meta_fingerprint",
                                                 "meta_fingerprint_text"):
            continue
        if k not in new.files:
            bad.append(k + " missing")
            continue
        a, b = old[k], new[k]
        if a.dtype != b.dtype or a.shape != b.shape:
            bad.append("%s: %s%s vs %s%s" % (k, a.dtype, a.shape, b.dtype, b.shape))
        elif not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"):
            n = int(np.sum(~((a == b) | (np.isnan(a) & np.isnan(b))))) if a.dtype.kind == "f" \
                else int(np.sum(a != b)) if a.ndim else 1
            bad.append("%s: %d values differ" % (k, n))
    added = sorted(set(new.files) - set(old.files))
    print("%d keys compared, %d new keys %s" % (len(old.files), len(added), added))
    for b in bad:
        print("DIFFERS: " + b)
    sys.exit(1 if bad else 0)


main()
