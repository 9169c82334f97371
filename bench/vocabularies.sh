#!/usr/bin/env bash
# Vocabulary benchmarks (release build, this machine), recorded in
# docs/benchmarks.md, "Vocabularies":
#   1. k-means k=4096, 10 iterations, 200k RootSIFT: Loci vs faiss.Kmeans, same data and init;
#   2. assignment throughput (exact, kd-forest, DRVQ encoders) at k = 4096 and 65536;
#   3. DRVQ training time vs data size (50k, 200k, 1M); AGM's are in bench/agm.sh.
# Usage: bench/vocabularies.sh FEATURES_DIR   (a folder of RootSIFT .lfeat files, ≥ 1M
# descriptors; docs/benchmarks.md says how the one measured was made)
set -euo pipefail
cd "$(dirname "$0")/.."
FEATURES=${1:?usage: bench/vocabularies.sh FEATURES_DIR}
OUT=bench/out/vocab
mkdir -p "$OUT"
swift build -c release --product loci --product loci-bench >/dev/null 2>&1 || swift build -c release
LOCI=.build/release/loci
BENCH=.build/release/loci-bench

echo "== k-means vs faiss (k=4096, 10 iterations, 200k descriptors)"
$BENCH kmeans "$FEATURES" --k 4096 --iterations 10 --sample 200000 --export "$OUT/km"
bench/.venv/bin/python bench/kmeans_faiss.py "$OUT/km/data.f32" 128 4096 10 "$OUT/km/init.f32"

echo "== vocabularies for the assignment benchmark"
$LOCI vocab train "$FEATURES" --size 4096 --sample 200000 --iterations 3 --out "$OUT/kmeans4096.lvoc"
$LOCI vocab train "$FEATURES" --size 65536 --sample 200000 --iterations 2 --out "$OUT/kmeans65536.lvoc"
$LOCI vocab train "$FEATURES" --method drvq --size 4096 --sample 200000 --iterations 50 --out "$OUT/drvq4096.lvoc"
$LOCI vocab train "$FEATURES" --method drvq --size 65536 --books 2 --sample 200000 --iterations 50 --out "$OUT/drvq65536.lvoc"

echo "== assignment throughput, 20,000 sampled descriptors (seed 7), both cores"
for v in kmeans4096 kmeans65536 drvq4096 drvq65536; do
  echo "-- $v"
  $BENCH assignment "$OUT/$v.lvoc" "$FEATURES" --checks 64 256 1024
done

echo "== training time vs data size"
for n in 50000 200000 1000000; do
  $LOCI vocab train "$FEATURES" --method drvq --size 4096 --sample $n --iterations 50 --out "$OUT/drvq-$n.lvoc" --json
done
bench/agm.sh "$FEATURES"
