#!/usr/bin/env bash
# AGM/EGM, recorded in docs/benchmarks.md, "Vocabularies":
#   1. the number of words AGM finds and its training time at 50k, 200k and 1M descriptors,
#      started from N/8 components, with flat k-means at the same number of words (10
#      iterations, same sample) for the quantisation error;
#   2. how much the count moves with the number of starts and the penalty scale (200k).
# Usage: bench/agm.sh FEATURES_DIR   (RootSIFT .lfeat files, ≥ 1M descriptors; the one
# measured is described under "Vocabularies" in docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
FEATURES=${1:?usage: bench/agm.sh FEATURES_DIR}
OUT=bench/out/agm
mkdir -p "$OUT"
swift build -c release --product loci >/dev/null 2>&1 || swift build -c release
LOCI=.build/release/loci
field() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print(d[sys.argv[2]])" "$1" "$2"; }
summary() {  # file label
  python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
h = d.get("history")
print(f"{sys.argv[2]}: {d['words']} words, MSE {d['mse']:.6f}, {d['seconds']:.1f} s" + (f", components per iteration {h}" if h else ""))
PY
}

echo "== words found and training time vs data size (starts N/8, at most 30 iterations)"
for n in 50000 200000 1000000; do
  $LOCI vocab train "$FEATURES" --method agm --size $((n / 8)) --sample $n --iterations 30 --out "$OUT/agm-$n.lvoc" --json > "$OUT/agm-$n.json"
  summary "$OUT/agm-$n.json" "agm N=$n"
  words=$(field "$OUT/agm-$n.json" words)
  $LOCI vocab train "$FEATURES" --method kmeans --size "$words" --sample $n --iterations 10 --out "$OUT/kmeans-$n.lvoc" --json > "$OUT/kmeans-$n.json"
  summary "$OUT/kmeans-$n.json" "kmeans N=$n k=$words"
done

echo "== sensitivity at N=200000: starts and penalty scale"
for starts in 8192 16384; do
  $LOCI vocab train "$FEATURES" --method agm --size $starts --sample 200000 --iterations 30 --out "$OUT/agm-s$starts.lvoc" --json > "$OUT/agm-s$starts.json"
  summary "$OUT/agm-s$starts.json" "agm N=200000 starts=$starts"
done
for penalty in 0.5 2; do
  $LOCI vocab train "$FEATURES" --method agm --size 25000 --sample 200000 --iterations 30 --agm-penalty $penalty --out "$OUT/agm-p$penalty.lvoc" --json > "$OUT/agm-p$penalty.json"
  summary "$OUT/agm-p$penalty.json" "agm N=200000 starts=25000 penalty=$penalty"
done
