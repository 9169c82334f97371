#!/usr/bin/env python3
"""Builds Loci's development retrieval benchmark (docs/benchmarks.md, "Retrieval: development set").

Database: the 48 Oxford affine images, the 24 scenes photos, and >= 1000 distractors made
from Debian's photo packages (except opencv-doc's graf1/graf3, which are Oxford's own graf) (plasma-workspace-wallpapers, python3-skimage, opencv-doc) by
seeded random crops (35-85 % of each side) rescaled to 320-640 px, saved as JPEG.
Queries: img1 of each Oxford sequence (positives img2-6 of it) and every scenes photo
(positives the other two of its triplet). Queries are database images too; `loci eval map`
leaves each query out of its own ranking.

Usage: make_devset.py OUT [--data ../shared/data] [--distractors 1000]
"""
import argparse, glob, os, random, sys

import cv2

SOURCES = [
    "/usr/share/wallpapers/*/contents/images/*.jpg",
    "/usr/share/wallpapers/*/contents/images/*.png",
    "/usr/lib/python3/dist-packages/skimage/data/*.png",
    "/usr/lib/python3/dist-packages/skimage/data/*.jpg",
    "/usr/share/doc/opencv-doc/examples/data/*.jpg",
    "/usr/share/doc/opencv-doc/examples/data/*.png",
]


def photos():
    out = []
    for pattern in SOURCES:
        for path in sorted(glob.glob(pattern)):
            image = cv2.imread(path, cv2.IMREAD_COLOR)
            if image is None or min(image.shape[:2]) < 256:
                continue  # unreadable (skimage's truncated.jpg) or too small to crop
            if "graf" in os.path.basename(path):
                continue  # opencv-doc ships Oxford's graf images: positives, not distractors
            out.append((path, image))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../../shared/data"))
    parser.add_argument("--distractors", type=int, default=1000)
    args = parser.parse_args()
    data = os.path.abspath(args.data)
    db = os.path.join(os.path.abspath(args.out), "db")
    rows = []
    for seq in sorted(os.listdir(os.path.join(data, "oxford-affine"))):
        folder = os.path.join(data, "oxford-affine", seq)
        images = sorted(f for f in os.listdir(folder) if f.startswith("img"))
        if not images:
            continue
        os.makedirs(os.path.join(db, "oxford", seq), exist_ok=True)
        for f in images:
            link = os.path.join(db, "oxford", seq, f)
            if not os.path.lexists(link):
                os.symlink(os.path.join(folder, f), link)
        rows.append((f"db/oxford/{seq}/{images[0]}", [f"db/oxford/{seq}/{f}" for f in images[1:]]))
    scenes = sorted(os.listdir(os.path.join(data, "scenes")))
    os.makedirs(os.path.join(db, "scenes"), exist_ok=True)
    for f in scenes:
        link = os.path.join(db, "scenes", f)
        if not os.path.lexists(link):
            os.symlink(os.path.join(data, "scenes", f), link)
    for i, f in enumerate(scenes):
        group = scenes[(i // 3) * 3:(i // 3) * 3 + 3]
        rows.append((f"db/scenes/{f}", [f"db/scenes/{g}" for g in group if g != f]))
    sources = photos()
    if not sources:
        sys.exit("no distractor sources: apt-get install plasma-workspace-wallpapers python3-skimage opencv-doc")
    rng = random.Random(2026)
    os.makedirs(os.path.join(db, "distractors"), exist_ok=True)
    per = -(-args.distractors // len(sources))
    n = 0
    for path, image in sources:
        h, w = image.shape[:2]
        for k in range(per):
            cw, ch = int(w * rng.uniform(0.35, 0.85)), int(h * rng.uniform(0.35, 0.85))
            x, y = rng.randrange(0, w - cw + 1), rng.randrange(0, h - ch + 1)
            crop = image[y:y + ch, x:x + cw]
            side = rng.randint(320, 640)
            scale = side / max(cw, ch)
            crop = cv2.resize(crop, (max(1, round(cw * scale)), max(1, round(ch * scale))), interpolation=cv2.INTER_AREA)
            cv2.imwrite(os.path.join(db, "distractors", f"{n:05d}.jpg"), crop, [cv2.IMWRITE_JPEG_QUALITY, 90])
            n += 1
    with open(os.path.join(args.out, "groundtruth.tsv"), "w") as gt:
        gt.write("query\tpositives\n")
        for q, positives in rows:
            gt.write(f"{q}\t{','.join(positives)}\n")
    print(f"{len(rows)} queries, {n} distractors from {len(sources)} photos, database under {db}")


if __name__ == "__main__":
    main()
