#!/usr/bin/env python3
"""ASMK* parity and speed: Loci vs the Python `asmk` package (PyPI, HOW/ECCV'20 line) on
identical RootSIFT features (Loci's .lfeat files) and codebook (Loci's .lvoc), in the
package's binarisation (sign of the summed residual), α = 3, τ = 0, idf on, query
multiple assignment 5, database 1. mAP uses revisitop's compute_map with each query left
out of its own ranking, as `loci eval map` does.

Usage: asmk_parity.py WORK_DIR VOCAB.lvoc LOCI_BIN_DIR
(WORK_DIR as made by bench/retrieval/run.sh: feat/, queries/, groundtruth.tsv)
"""
import glob, json, os, struct, subprocess, sys, time

import numpy as np

from revisitop import average_precision
from asmk import asmk_method, codebook as cdb_pkg, index as idx_pkg


def read_string(b, o):
    n = struct.unpack_from("<I", b, o)[0]
    return b[o + 4:o + 4 + n].decode(), o + 4 + n


def read_lfeat(path):
    b = open(path, "rb").read()
    assert b[:8] == b"LOCIFEAT", path
    o = 12 + 8
    _, o = read_string(b, o)  # detector
    _, o = read_string(b, o)  # parameters
    source, o = read_string(b, o)
    _, o = read_string(b, o)  # relative path
    o += 1  # descriptor kind
    dim, count = struct.unpack_from("<II", b, o)
    o += 8 + 7 * 4 * count
    des = np.frombuffer(b, dtype="<f4", count=count * dim, offset=o).reshape(count, dim)
    return source, des


def read_lvoc(path):
    b = open(path, "rb").read()
    assert b[:8] == b"LOCIVOCB", path
    o = 12
    _, o = read_string(b, o)
    _, o = read_string(b, o)
    dim, count = struct.unpack_from("<II", b, o)
    return np.frombuffer(b, dtype="<f4", count=dim * count, offset=o + 8).reshape(count, dim).copy()


def main():
    work, vocab, bin_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    files = sorted(glob.glob(os.path.join(work, "feat", "**", "*.lfeat"), recursive=True))
    t0 = time.time()
    sources, des, imids = [], [], []
    for i, f in enumerate(files):
        s, d = read_lfeat(f)
        sources.append(s)
        des.append(d)
        imids.append(np.full(len(d), i))
    des, imids = np.vstack(des).astype(np.float32), np.concatenate(imids)
    read_seconds = time.time() - t0
    ids = {s: i for i, s in enumerate(sources)}
    base = os.path.realpath(work)
    rows = []
    for line in open(os.path.join(work, "groundtruth.tsv")).read().splitlines()[1:]:
        q, p = (line.split("\t") + [""])[:2]
        resolve = lambda x: os.path.realpath(os.path.join(base, x))
        rows.append((ids[resolve(q)], {ids[resolve(x)] for x in p.split(",") if x}))

    centroids = read_lvoc(vocab)
    params = {
        "index": {"gpu_id": None},
        "train_codebook": {"codebook": {"size": len(centroids)}},
        "build_ivf": {"kernel": {"binary": True}, "ivf": {"use_idf": True},
                      "quantize": {"multiple_assignment": 1}, "aggregate": {}},
        "query_ivf": {"quantize": {"multiple_assignment": 5}, "aggregate": {}, "search": {"topk": None},
                      "similarity": {"similarity_threshold": 0.0, "alpha": 3.0}},
    }
    cdb = cdb_pkg.Codebook(idx_pkg.initialize_index(None), size=len(centroids))
    cdb.index(centroids)
    method = asmk_method.ASMKMethod(params, {}, codebook=cdb)
    t0 = time.time()
    builder = method.create_ivf_builder()
    builder.add(des, imids)
    method = method.add_ivf_builder(builder)
    build_seconds = time.time() - t0
    qdes = np.vstack([des[imids == q] for q, _ in rows])
    qimids = np.concatenate([np.full((imids == q).sum(), k) for k, (q, _) in enumerate(rows)])
    meta, images, ranks, _ = method.query_ivf(qdes, qimids)
    aps = []
    for k, (q, positives) in enumerate(rows):
        ranking = [int(i) for i in ranks[list(images).index(k)] if int(i) != q]
        aps.append(average_precision(ranking, positives))
    asmk_map = 100 * sum(aps) / len(aps)

    # Loci on the same files and vocabulary, in the same run.
    lidx = os.path.join(work, "parity-sign.lidx")
    build = json.loads(subprocess.check_output([os.path.join(bin_dir, "loci"), "index", "build", os.path.join(work, "feat"),
                                                "--vocab", vocab, "--kernel", "asmk-star", "--binarisation", "sign", "--idf", "--query-assignments", "5",
                                                "--out", lidx, "--json"]))
    evaluation = json.loads(subprocess.check_output([os.path.join(bin_dir, "loci"), "eval", "map", "--index", lidx,
                                                     "--groundtruth", os.path.join(work, "groundtruth.tsv"),
                                                     "--query-features", os.path.join(work, "queries"),
                                                     "--rerank", "none", "--json"]))
    print(f"images {len(files)}, features {len(des)}, words {len(centroids)}, queries {len(rows)}")
    print(f"mAP: asmk {asmk_map:.2f}, Loci {evaluation['map']:.2f} (difference {evaluation['map'] - asmk_map:+.2f} points)")
    print(f"query time per image: asmk {1000 * meta['query_avg_time']:.1f} ms, Loci {1000 * evaluation['seconds_per_query']:.1f} ms "
          f"(Loci {meta['query_avg_time'] / evaluation['seconds_per_query']:.1f}x faster)")
    print(f"index build: asmk {build_seconds:.1f} s (+ {read_seconds:.1f} s reading .lfeat in numpy), "
          f"Loci {build['seconds']:.1f} s including reading ({(build_seconds + read_seconds) / build['seconds']:.1f}x)")


if __name__ == "__main__":
    main()
