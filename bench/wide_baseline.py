"""Wide-baseline matching: planar pairs under strong viewpoint change, solved or not.

    bench/.venv/bin/python bench/wide_baseline.py [--data ../shared/data] [--work /tmp/loci-wb]
        [--bin .build/release] [--detectors mfd wash mser sift] [--methods hpm ransac]
        [--verify-args '--synthesis auto'] [--no-peer]

Pairs: every pair of ``hpatches-v`` (1.png → 2.png with its ground-truth H) and graf and wall
1→2 … 1→6 of ``oxford-affine`` (20 pairs). For each Loci detector, ``featurize`` writes both
images' features; ``loci verify A B --method M --json --tentatives`` matches them (ratio-test
correspondences) and verifies. The peer runs in the same process run: OpenCV SIFT, a 0.8
ratio test, then MAGSAC (``cv2.USAC_MAGSAC``, 3 px) from the OpenCV on PyPI.

Per pair: corner error (the mean distance between image A's four corners mapped by the
verified homography and by the ground truth; infinite without a homography), solved when it
is under 10 px, tentative correspondences and how many are correct (B's point within 3 px of
A's point mapped by the ground truth), inliers and correct inliers, and the seconds of
matching + verification (features given). One table per configuration on stdout; every pair
as a JSON line in WORK/results.jsonl.
"""
import argparse
import json
import math
import pathlib
import shlex
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "python"))
import loci  # noqa: E402  (the repository's own reader of .lfeat files)


def pairs(data: pathlib.Path):
    """(name, image A, image B, H mapping A's pixels to B's)."""
    found = []
    for folder in sorted((data / "hpatches-v").glob("hpatches_v_*")):
        found.append((folder.name, folder / "1.png", folder / "2.png", np.loadtxt(folder / "H")))
    for scene in ("graf", "wall"):
        folder = data / "oxford-affine" / scene
        for k in range(2, 7):
            found.append((f"{scene}_1-{k}", folder / "img1.png", folder / f"img{k}.png",
                          np.loadtxt(folder / f"H1to{k}p")))
    return found


def project(H, points):
    p = np.c_[points, np.ones(len(points))] @ np.asarray(H, dtype=float).T
    return p[:, :2] / p[:, 2:3]


def corner_error(H_est, H_true, width, height):
    if H_est is None:
        return math.inf
    corners = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=float)
    estimated = project(H_est, corners)
    if not np.all(np.isfinite(estimated)):
        return math.inf
    return float(np.mean(np.linalg.norm(estimated - project(H_true, corners), axis=1)))


def correct(H_true, points_a, points_b, tolerance=3.0):
    if len(points_a) == 0:
        return 0
    return int(np.sum(np.linalg.norm(project(H_true, points_a) - points_b, axis=1) < tolerance))


def loci_pair(binary, detector, method, name, image_a, image_b, H, work, extra):
    out = work / detector / name
    if not (out / f"{image_a.name}.lfeat").exists() or not (out / f"{image_b.name}.lfeat").exists():
        subprocess.run([str(binary / "featurize"), str(image_a), str(image_b), "--out", str(out), "--detector", detector],
                       check=True, capture_output=True)
    fa, fb = out / f"{image_a.name}.lfeat", out / f"{image_b.name}.lfeat"
    a, b = loci.read_lfeat(fa), loci.read_lfeat(fb)
    run = subprocess.run([str(binary / "loci"), "verify", str(fa), str(fb), "--method", method, "--json", "--tentatives", *extra],
                         check=True, capture_output=True, text=True)
    report = json.loads(run.stdout)
    tentative = np.array(report.get("tentative_matches") or [], dtype=int).reshape(-1, 2)
    inliers = report.get("inlier_matches") or []
    inlier_a = np.array([[m["xa"], m["ya"]] for m in inliers], dtype=float).reshape(-1, 2)
    inlier_b = np.array([[m["xb"], m["yb"]] for m in inliers], dtype=float).reshape(-1, 2)
    pa, pb = a.positions, b.positions
    # After view synthesis, A's indices past its own features name the views' features,
    # whose positions the report does not list: those tentatives are not checked.
    tentative = tentative[tentative[:, 0] < len(pa)]
    return {
        "features": [len(a), len(b)],
        "tentative": len(tentative),
        "correct_tentative": correct(H, pa[tentative[:, 0]], pb[tentative[:, 1]]) if len(tentative) else 0,
        "inliers": report["inliers"],
        "correct_inliers": correct(H, inlier_a, inlier_b),
        "corner_error": corner_error(report.get("transform"), H, a.image_width, a.image_height),
        "seconds": report["seconds"],
        "stage": report.get("stage", 1),
    }


def opencv_pair(cv2, image_a, image_b, H):
    gray_a = cv2.imread(str(image_a), cv2.IMREAD_GRAYSCALE)
    gray_b = cv2.imread(str(image_b), cv2.IMREAD_GRAYSCALE)
    sift = cv2.SIFT_create()
    ka, da = sift.detectAndCompute(gray_a, None)
    kb, db = sift.detectAndCompute(gray_b, None)
    start = time.perf_counter()
    matcher = cv2.BFMatcher(cv2.NORM_L2)
    pa, pb = [], []
    for pair in matcher.knnMatch(da, db, k=2):
        if len(pair) == 2 and pair[0].distance < 0.8 * pair[1].distance:
            pa.append(ka[pair[0].queryIdx].pt)
            pb.append(kb[pair[0].trainIdx].pt)
    pa, pb = np.array(pa, dtype=float).reshape(-1, 2), np.array(pb, dtype=float).reshape(-1, 2)
    H_est, mask = (None, None)
    if len(pa) >= 4:
        H_est, mask = cv2.findHomography(pa, pb, cv2.USAC_MAGSAC, 3.0)
    seconds = time.perf_counter() - start
    keep = mask.ravel().astype(bool) if mask is not None else np.zeros(len(pa), dtype=bool)
    return {
        "features": [len(ka), len(kb)],
        "tentative": len(pa),
        "correct_tentative": correct(H, pa, pb),
        "inliers": int(keep.sum()),
        "correct_inliers": correct(H, pa[keep], pb[keep]),
        "corner_error": corner_error(H_est, H, gray_a.shape[1], gray_a.shape[0]),
        "seconds": seconds,
    }


def summary(label, rows):
    solved = [r for r in rows if r["corner_error"] < 10]
    errors = sorted(r["corner_error"] for r in solved)
    median = errors[len(errors) // 2] if errors else math.nan
    mean = lambda key: sum(r[key] for r in rows) / len(rows)  # noqa: E731
    hard = [r["pair"] for r in rows if r["corner_error"] >= 10]
    # With --synthesis auto: pairs that needed simulated views, with the stage that ended them.
    escalated = [f"{r['pair']}@{r['stage']}" for r in rows if r.get("stage", 1) > 1]
    print(f"{label:<34} {len(solved):>2}/{len(rows)}  {median:>7.2f}  {mean('tentative'):>8.0f}  "
          f"{mean('correct_tentative'):>8.0f}  {mean('inliers'):>7.0f}  {mean('correct_inliers'):>8.0f}  "
          f"{1000 * mean('seconds'):>8.1f}   {' '.join(hard)}", flush=True)
    if escalated:
        print(f"{'':<34} escalated: {' '.join(escalated)}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    root = pathlib.Path(__file__).resolve().parent.parent
    parser.add_argument("--data", default=str(root.parent / "shared" / "data"))
    parser.add_argument("--work", default="/tmp/loci-wb")
    parser.add_argument("--bin", default=str(root / ".build" / "release"))
    parser.add_argument("--detectors", nargs="+", default=["mfd", "wash", "mser", "sift"])
    parser.add_argument("--methods", nargs="+", default=["hpm", "ransac"])
    parser.add_argument("--verify-args", default="", help="more arguments for loci verify, e.g. '--fginn 10'")
    parser.add_argument("--no-peer", action="store_true", help="skip OpenCV (for quick comparisons of Loci settings)")
    args = parser.parse_args()
    data, work, binary = pathlib.Path(args.data), pathlib.Path(args.work), pathlib.Path(args.bin)
    work.mkdir(parents=True, exist_ok=True)
    chosen = pairs(data)
    print(f"{len(chosen)} pairs; solved = corner error under 10 px; correct = within 3 px of the ground truth")
    print(f"{'configuration':<34} {'solved':>5}  {'median':>7}  {'tentative':>8}  {'correct':>8}  {'inliers':>7}  "
          f"{'correct':>8}  {'ms/pair':>8}   unsolved")
    results = []
    for detector in args.detectors:
        for method in args.methods:
            rows = []
            for name, a, b, H in chosen:
                row = loci_pair(binary, detector, method, name, a, b, H, work, shlex.split(args.verify_args))
                row.update(pair=name, configuration=f"loci {detector} {method}")
                rows.append(row)
            summary(f"Loci {detector}, {method} {args.verify_args}".strip(), rows)
            results += rows
    if args.no_peer:
        return
    import cv2
    rows = []
    for name, a, b, H in chosen:
        row = opencv_pair(cv2, a, b, H)
        row.update(pair=name, configuration="opencv sift ratio magsac")
        rows.append(row)
    summary(f"OpenCV {cv2.__version__} SIFT + ratio + MAGSAC", rows)
    results += rows
    with open(work / "results.jsonl", "w") as out:
        for row in results:
            out.write(json.dumps({k: (None if isinstance(v, float) and math.isinf(v) else v) for k, v in row.items()}) + "\n")


if __name__ == "__main__":
    main()
