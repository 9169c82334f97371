#!/usr/bin/env python3
"""faiss.Kmeans on the same descriptors and the same initial centroids as `loci vocab train`.

Reads the descriptors of a folder of .lfeat files (Loci's format, parsed here), takes the same
seeded sample as Loci when --sample is given is NOT reproduced: pass --all, or use the sample
file written by `loci-bench kmeans --export`. Usage:
  bench/.venv/bin/python bench/kmeans_faiss.py DATA.f32 DIM K ITERATIONS [INIT.f32]
DATA.f32 / INIT.f32: raw little-endian float32, row-major (written by loci-bench kmeans).
"""
import sys
import time

import faiss
import numpy as np

data_path, dim, k, iterations = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
x = np.fromfile(data_path, dtype="<f4").reshape(-1, dim)
init = np.fromfile(sys.argv[5], dtype="<f4").reshape(k, dim) if len(sys.argv) > 5 else None
faiss.omp_set_num_threads(2)
km = faiss.Kmeans(dim, k, niter=iterations, seed=1, verbose=False, max_points_per_centroid=10**9)
start = time.perf_counter()
km.train(x, init_centroids=init)
seconds = time.perf_counter() - start
distances, _ = km.index.search(x, 1)
print(f"faiss.Kmeans: {len(x)} x {dim}, k={k}, {iterations} iterations: {seconds:.2f} s, MSE {distances.mean():.6f}")
