#!/usr/bin/env python3
"""Times pydegensac and OpenCV's USAC homography estimation on the correspondences written by
`loci-bench verification` (bench/out/correspondences-N.csv), best of REPEATS (default 5) after
WARMUP untimed calls (default 20, as `loci-bench verification --warmup`), one thread.

Usage: bench/.venv/bin/python bench/verification_peers.py [bench/out [REPEATS [WARMUP]]]
"""
import glob
import os
import sys
import time

import cv2
import numpy as np

folder = sys.argv[1] if len(sys.argv) > 1 else "bench/out"
REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
WARMUP = int(sys.argv[3]) if len(sys.argv) > 3 else 20
cv2.setNumThreads(1)
try:
    import pydegensac
except ImportError:
    pydegensac = None

def best(fn, repeats=None):
    repeats = repeats or REPEATS
    for _ in range(WARMUP):
        fn()
    t = float("inf")
    out = None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - start)
    return t, out

for path in sorted(glob.glob(os.path.join(folder, "correspondences-*.csv")), key=lambda p: int(p.split("-")[-1][:-4])):
    data = np.loadtxt(path, delimiter=",")
    src, dst = data[:, :2].astype(np.float64), data[:, 2:].astype(np.float64)
    line = f"n={len(data):5d}"
    t, (h, mask) = best(lambda: cv2.findHomography(src, dst, cv2.USAC_DEFAULT, 8.0))
    line += f"  OpenCV USAC_DEFAULT {t * 1000:8.3f} ms ({int(mask.sum()) if mask is not None else 0} inliers)"
    t, (h, mask) = best(lambda: cv2.findHomography(src, dst, cv2.RANSAC, 8.0))
    line += f"  OpenCV RANSAC {t * 1000:8.3f} ms ({int(mask.sum()) if mask is not None else 0} inliers)"
    if pydegensac is not None:
        t, (h, mask) = best(lambda: pydegensac.findHomography(src, dst, 8.0))
        line += f"  pydegensac {t * 1000:8.3f} ms ({int(np.sum(mask))} inliers)"
    print(line)
