#!/usr/bin/env python3
"""The Python retrieval baseline of the SMVS benchmark, run by bench/retrieval/smvs.sh right
after Loci so that both are timed on the same machine.

Pipeline (what a practitioner assembles from PyPI today):
  OpenCV SIFT (at most 2,000 keypoints per image) -> RootSIFT,
  a 1,024-word faiss k-means codebook on a 200k-descriptor sample of the database,
  the `asmk` package's ASMK* (binary, alpha 3, tau 0, no idf, multiple assignment 5 on the
  query side and 1 on the database side),
  optionally re-ranking the top 50 by the inlier count of a MAGSAC homography
  (cv2.USAC_MAGSAC, 8 px) fitted to ratio-tested (0.8) brute-force matches; images with
  equal inliers keep their ASMK* order.

Database: the SMVS db images plus every image under DISTRACTORS (may be omitted).
Ground truth: groundtruth.tsv (three views per DVD) and the classic reference-only protocol
(the clean reference is the positive; the other two photos of the same DVD are ignored).

Usage: smvs_baseline.py SMVS_DIR WORK_DIR [--distractors DIR] [--rerank-top 50]
Prints one JSON object per configuration on stdout.
"""
import argparse, glob, json, os, time

import cv2
import numpy as np

from revisitop import average_precision


def rootsift(des):
    des = des / np.maximum(des.sum(axis=1, keepdims=True), 1e-12)
    return np.sqrt(des).astype(np.float32)


def featurize(paths, cache):
    if os.path.exists(cache):
        data = np.load(cache, allow_pickle=True)
        return list(data["kps"]), list(data["des"]), float(data["seconds"])
    sift = cv2.SIFT_create(nfeatures=2000)
    kps, des = [], []
    t0 = time.time()
    for p in paths:
        gray = cv2.imread(p, cv2.IMREAD_GRAYSCALE)
        k, d = sift.detectAndCompute(gray, None)
        if d is None:
            k, d = [], np.zeros((0, 128), np.float32)
        kps.append(np.array([kp.pt for kp in k], np.float32).reshape(-1, 2))
        des.append(rootsift(d))
    seconds = time.time() - t0
    np.savez(cache, kps=np.array(kps, dtype=object), des=np.array(des, dtype=object), seconds=seconds)
    return kps, des, seconds


def read_truth(path, base):
    rows = []
    for line in open(path).read().splitlines()[1:]:
        q, p = line.split("\t")[:2]
        rows.append((os.path.join(base, q), [os.path.join(base, x) for x in p.split(",") if x]))
    return rows


def magsac_inliers(kq, dq, kd, dd, matcher):
    if len(dq) < 2 or len(dd) < 2:
        return 0
    pairs = matcher.knnMatch(dq, dd, k=2)
    good = [m for m, n in (p for p in pairs if len(p) == 2) if m.distance < 0.8 * n.distance]
    if len(good) < 4:
        return 0
    src = kq[[m.queryIdx for m in good]]
    dst = kd[[m.trainIdx for m in good]]
    _, mask = cv2.findHomography(src, dst, cv2.USAC_MAGSAC, 8.0)
    return 0 if mask is None else int(mask.sum())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("smvs")
    parser.add_argument("work")
    parser.add_argument("--distractors")
    parser.add_argument("--rerank-top", type=int, default=50)
    parser.add_argument("--words", type=int, default=1024)
    args = parser.parse_args()
    from asmk import asmk_method, codebook as cdb_pkg, index as idx_pkg

    os.makedirs(args.work, exist_ok=True)
    cv2.setNumThreads(2)
    smvs = os.path.abspath(args.smvs)
    db = sorted(glob.glob(os.path.join(smvs, "db", "*.jpg")))
    suffix = "smvs"
    if args.distractors:
        db += sorted(glob.glob(os.path.join(os.path.abspath(args.distractors), "**", "*.jpg"), recursive=True))
        suffix = "smvs+distractors"
    queries = sorted(glob.glob(os.path.join(smvs, "queries", "*.jpg")))
    kd, dd, db_seconds = featurize(db, os.path.join(args.work, f"baseline-db-{len(db)}.npz"))
    kq, dq, q_seconds = featurize(queries, os.path.join(args.work, "baseline-queries.npz"))
    ids = {p: i for i, p in enumerate(db)}
    qids = {p: i for i, p in enumerate(queries)}

    des = np.vstack(dd)
    imids = np.concatenate([np.full(len(d), i) for i, d in enumerate(dd)])
    rng = np.random.default_rng(0)
    sample = des[rng.choice(len(des), size=min(200_000, len(des)), replace=False)]
    params = {
        "index": {"gpu_id": None},
        "train_codebook": {"codebook": {"size": args.words}},
        "build_ivf": {"kernel": {"binary": True}, "ivf": {"use_idf": False},
                      "quantize": {"multiple_assignment": 1}, "aggregate": {}},
        "query_ivf": {"quantize": {"multiple_assignment": 5}, "aggregate": {}, "search": {"topk": None},
                      "similarity": {"similarity_threshold": 0.0, "alpha": 3.0}},
    }
    method = asmk_method.ASMKMethod.initialize_untrained(params)
    t0 = time.time()
    method = method.train_codebook(sample)
    train_seconds = time.time() - t0
    builder = method.create_ivf_builder()
    builder.add(des, imids)
    method = method.add_ivf_builder(builder)
    qdes = np.vstack(dq)
    qimids = np.concatenate([np.full(len(d), i) for i, d in enumerate(dq)])
    t0 = time.time()
    _, images, ranks, scores = method.query_ivf(qdes, qimids)
    search_seconds = (time.time() - t0) / len(queries)
    row_of = {int(k): r for r, k in enumerate(images)}
    ranking = {q: [int(i) for i in ranks[row_of[q]]] for q in range(len(queries)) if q in row_of}

    matcher = cv2.BFMatcher(cv2.NORM_L2)
    reranked, t0 = {}, time.time()
    for q, r in ranking.items():
        head = r[:args.rerank_top]
        inl = [magsac_inliers(kq[q], dq[q], kd[i], dd[i], matcher) for i in head]
        order = sorted(range(len(head)), key=lambda k: (-inl[k], k))
        reranked[q] = [head[k] for k in order] + r[args.rerank_top:]
    rerank_seconds = (time.time() - t0) / max(1, len(ranking))

    full = read_truth(os.path.join(smvs, "groundtruth.tsv"), smvs)
    ref = read_truth(os.path.join(smvs, "groundtruth_ref_only.tsv"), smvs)
    for name, table, seconds in (("baseline", ranking, 0.0), (f"baseline+magsac@{args.rerank_top}", reranked, rerank_seconds)):
        aps, refs, p1 = [], [], 0
        for (q, pos), (_, refpos) in zip(full, ref):
            r = table.get(qids[q], [])
            p = {ids[x] for x in pos}
            refset = {ids[x] for x in refpos}
            aps.append(average_precision(r, p))
            refs.append(average_precision(r, refset, junk=p - refset))
            p1 += bool(r) and r[0] in p
        print(json.dumps({"pipeline": name, "database": suffix, "images": len(db), "map": 100 * np.mean(aps),
                          "map_ref_only": 100 * np.mean(refs), "p_at_1": 100 * p1 / len(full),
                          "search_ms": 1000 * search_seconds, "rerank_ms": 1000 * seconds,
                          "features_per_image": float(np.mean([len(d) for d in dd])),
                          "codebook_seconds": train_seconds}), flush=True)


if __name__ == "__main__":
    main()
