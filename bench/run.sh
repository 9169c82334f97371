#!/usr/bin/env bash
# Runs every benchmark recorded in docs/benchmarks.md (release build, this machine).
# Usage: bench/run.sh [DATASET]   (default ../shared/data/oxford-affine)
set -euo pipefail
cd "$(dirname "$0")/.."
DATASET=${1:-../shared/data/oxford-affine}
OUT=bench/out
mkdir -p "$OUT"
scripts/install-deps.sh
swift build -c release

echo "== repeatability (Mikolajczyk protocol), all 8 sequences"
for d in mfd mser sift wash; do
  /usr/bin/time -f "$d: %e s wall, %M KB peak" .build/release/loci eval repeatability "$DATASET" --detector "$d" --json > "$OUT/repeatability-$d.json"
  python3 bench/table.py "$OUT/repeatability-$d.json"
done

echo "== descriptor stage alone vs cv::SIFT::compute (same regions, one core)"
.build/release/loci-bench descriptors "$DATASET"

echo "== detection time per megapixel (one core)"
.build/release/loci-bench detectors "$DATASET"

echo "== MFD option variants (repeatability only)"
.build/release/loci-bench mfd-sweep "$DATASET" --variant "" --variant "partitionMethod=steepestAscent" --variant "minScore=0.25"

echo "== WaSH option variants (repeatability only)"
.build/release/loci-bench wash-sweep "$DATASET" --variant "" --variant "sampling=dither maxInstability=0.5" \
  --variant "sampling=dither maxInstability=1 gradientSigma=2 ditherDensity=0.04"

echo "== spatial verification: HPM and RANSAC vs pydegensac and OpenCV USAC"
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q "numpy<2" opencv-python-headless==4.6.0.66 pydegensac
fi
bench/verification_rounds.sh 9 5 average
bench/verification_rounds.sh 5 5 canonicalDirection
.build/release/loci-bench oxford-verification "$DATASET"

echo "== featurize throughput on the 48 Oxford affine images"
for jobs in 1 2; do
  rm -rf "$OUT/featurize-$jobs"
  .build/release/featurize "$DATASET" --out "$OUT/featurize-$jobs" --jobs "$jobs" --json > "$OUT/featurize-$jobs.json"
  python3 -c "import json,sys; d=json.load(open('$OUT/featurize-$jobs.json')); print('jobs $jobs: %d images, %d features, %.2f s, %.2f images/s' % (d['images'], d['features'], d['seconds'], d['images']/d['seconds']))"
done
