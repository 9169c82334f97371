#!/usr/bin/env bash
# The development retrieval benchmark of docs/benchmarks.md ("Retrieval: development set"): builds the set
# (make_devset.py), featurizes it (MFD + RootSIFT), trains a k-means vocabulary, builds one
# index per kernel and reports mAP without and with spatial re-ranking (every kernel, both
# verifiers, shortlists 100 and 1,000). The realistic benchmark is smvs.sh beside it.
# Usage: bench/retrieval/run.sh [WORK_DIR] [WORDS]   (defaults /tmp/loci-devset, 4096)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${1:-/tmp/loci-devset}
WORDS=${2:-4096}
BIN=.build/release
scripts/install-deps.sh
apt-get install -y -q --no-install-recommends plasma-workspace-wallpapers python3-skimage opencv-doc > /dev/null 2>&1 || true
swift build -c release
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q "numpy<2" opencv-python-headless==4.6.0.66 faiss-cpu asmk
fi
[ -f "$WORK/groundtruth.tsv" ] || bench/.venv/bin/python bench/retrieval/make_devset.py "$WORK"
echo "== featurize (MFD + RootSIFT, both cores)"
/usr/bin/time -f "featurize: %e s wall, %M KB peak" $BIN/featurize "$WORK/db" --out "$WORK/feat" --jobs 2 --json > "$WORK/featurize.json"
python3 -c "import json; d = json.load(open('$WORK/featurize.json')); print(d['images'], 'images,', d['features'], 'features,', len(d['failed']), 'failed')"
echo "== vocabulary: k-means, $WORDS words, 10 iterations, 100k-descriptor sample"
[ -f "$WORK/vocab-$WORDS.lvoc" ] || $BIN/loci vocab train "$WORK/feat" --size "$WORDS" --sample 100000 --out "$WORK/vocab-$WORDS.lvoc" --json
mkdir -p "$WORK/queries"
for q in $(tail -n +2 "$WORK/groundtruth.tsv" | cut -f1); do
  mkdir -p "$WORK/queries/$(dirname "$q")"
  ln -sf "$WORK/feat/${q#db/}.lfeat" "$WORK/queries/$q.lfeat"
done
for kernel in bow he asmk asmk-star; do
  $BIN/loci index build "$WORK/feat" --vocab "$WORK/vocab-$WORDS.lvoc" --kernel "$kernel" --out "$WORK/$kernel.lidx" --json > "$WORK/build-$kernel.json"
  python3 -c "import json; d = json.load(open('$WORK/build-$kernel.json')); print('$kernel build: %.1f s, %d bytes, %.1f B/feature, %.0f B/image' % (d['seconds'], d['bytes'], d['bytes'] / d['features'], d['bytes'] / d['images']))"
  for rerank in none hpm ransac; do
    $BIN/loci eval map --index "$WORK/$kernel.lidx" --groundtruth "$WORK/groundtruth.tsv" --query-features "$WORK/queries" \
      --rerank "$rerank" --json > "$WORK/map-$kernel-$rerank.json"
    python3 -c "import json; d = json.load(open('$WORK/map-$kernel-$rerank.json')); print('$kernel rerank=$rerank: mAP %.2f, %.1f ms/query (re-ranking %.1f ms)' % (d['map'], 1000 * d['seconds_per_query'], 1000 * d['rerank_seconds_per_query']))"
  done
done
for k in 100 1000; do
  for rerank in hpm ransac; do
    $BIN/loci eval map --index "$WORK/asmk-star.lidx" --groundtruth "$WORK/groundtruth.tsv" --query-features "$WORK/queries" \
      --rerank "$rerank" --shortlist "$k" --json > "$WORK/map-shortlist-$rerank-$k.json"
    python3 -c "import json; d = json.load(open('$WORK/map-shortlist-$rerank-$k.json')); print('asmk-star $rerank shortlist $k: mAP %.2f, re-ranking %.1f ms/query' % (d['map'], 1000 * d['rerank_seconds_per_query']))"
  done
done
echo "== ASMK* parity and speed against the Python asmk package (sign binarisation)"
bench/.venv/bin/pip install -q asmk faiss-cpu > /dev/null 2>&1 || true
bench/.venv/bin/python bench/retrieval/asmk_parity.py "$WORK" "$WORK/vocab-$WORDS.lvoc" "$BIN"
