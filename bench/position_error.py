"""Position error of tentative correspondences against the ground truth, by region scale.

    bench/.venv/bin/python bench/position_error.py DETECTOR PAIR... [--work /tmp/loci-wb]

Reads the feature files `bench/wide_baseline.py` wrote (WORK/DETECTOR/PAIR/), runs `loci
verify A B --json --tentatives --no-guided` (the ratio-test tentatives), and for the tentatives whose B point lies
within 30 px of A's point mapped by the ground-truth homography prints, per quarter of A's
region scale ((det S)^¼), the median distance and the share within 3 px. Pairs are named as
in `wide_baseline.py` (e.g. hpatches_v_churchill_1-6, graf_1-6).

Then the same for the inliers as `loci verify` reports them, with the regions as detected
(`--align off`) and after patch alignment (`--no-guided`, so both lists come from the same
tentatives): median distance and share within 1 and 3 px.
"""
import argparse
import json
import pathlib
import subprocess
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "python"))
import loci  # noqa: E402
import wide_baseline  # noqa: E402


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser()
    parser.add_argument("detector")
    parser.add_argument("pairs", nargs="+")
    parser.add_argument("--work", default="/tmp/loci-wb")
    parser.add_argument("--data", default=str(root.parent / "shared" / "data"))
    parser.add_argument("--bin", default=str(root / ".build" / "release"))
    args = parser.parse_args()
    for name, a, b, H in wide_baseline.pairs(pathlib.Path(args.data)):
        if name not in args.pairs:
            continue
        folder = pathlib.Path(args.work) / args.detector / name
        fa, fb = folder / f"{a.name}.lfeat", folder / f"{b.name}.lfeat"
        run = subprocess.run([str(pathlib.Path(args.bin) / "loci"), "verify", str(fa), str(fb), "--json", "--tentatives", "--no-guided"],
                             check=True, capture_output=True, text=True)
        tentative = np.array(json.loads(run.stdout)["tentative_matches"], dtype=int).reshape(-1, 2)
        A, B = loci.read_lfeat(fa), loci.read_lfeat(fb)
        error = np.linalg.norm(wide_baseline.project(H, A.positions[tentative[:, 0]]) - B.positions[tentative[:, 1]], axis=1)
        regions = A.regions[tentative[:, 0]]
        scale = (regions[:, 2] * regions[:, 4] - regions[:, 3] ** 2) ** 0.25
        near = error < 30
        print(f"{name} {args.detector}: {len(tentative)} tentatives, {near.sum()} within 30 px")
        edges = np.quantile(scale[near], [0, 0.25, 0.5, 0.75, 1])
        for low, high in zip(edges[:-1], edges[1:]):
            chosen = near & (scale >= low) & (scale <= high)
            print(f"  scale {low:6.1f}-{high:6.1f}: {chosen.sum():4d} tentatives, median error {np.median(error[chosen]):5.2f} px, "
                  f"within 3 px {np.mean(error[chosen] < 3):.2f}")
        for label, option in (("detected", "--align=off"), ("aligned", "--no-guided")):
            run = subprocess.run([str(pathlib.Path(args.bin) / "loci"), "verify", str(fa), str(fb), "--json", option],
                                 check=True, capture_output=True, text=True)
            matches = json.loads(run.stdout)["inlier_matches"]
            pa = np.array([[m["xa"], m["ya"]] for m in matches]).reshape(-1, 2)
            pb = np.array([[m["xb"], m["yb"]] for m in matches]).reshape(-1, 2)
            error = np.linalg.norm(wide_baseline.project(H, pa) - pb, axis=1)
            print(f"  inliers, {label:>8}: {len(matches):4d}, median error {np.median(error):5.2f} px, "
                  f"within 1 px {np.mean(error < 1):.2f}, within 3 px {np.mean(error < 3):.2f}")


if __name__ == "__main__":
    main()
