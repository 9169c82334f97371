#!/usr/bin/env bash
# The realistic retrieval benchmark of docs/benchmarks.md ("Retrieval on real photos"):
# SMVS DVD covers (../shared/data/smvs-dvd: 300 database images, 200 phone-photo queries)
# with the development set's 1,132 distractors appended (1,432 database images), Loci's
# pipelines and, in the same run, the Python baseline (bench/retrieval/smvs_baseline.py).
# Prints one table: mAP on both ground truths (three views per DVD; the classic
# reference-only protocol, the other two photos of the DVD ignored), P@1, and search and
# re-ranking milliseconds per query.
#
# Usage: bench/retrieval/smvs.sh [WORK_DIR] [DETECTORS]   (defaults /tmp/loci-smvs, "mfd sift wash mser")
# Every Loci row uses the tools' defaults (featurize, `loci vocab train` with its 4,096 words,
# `loci index build`, `loci eval map`) unless the row names an option; the first detector also
# gets the kernel, binarisation, vocabulary-size and HPM-ordering rows.
# Nothing of SMVS is copied into the project: features, indexes and results stay in WORK_DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
WORK=${1:-/tmp/loci-smvs}
DETECTORS=${2:-"mfd sift wash mser"}
SMVS=$(cd ../shared/data/smvs-dvd && pwd)
BIN=$ROOT/.build/release
WORDS=4096
mkdir -p "$WORK"
scripts/install-deps.sh
apt-get install -y -q --no-install-recommends plasma-workspace-wallpapers python3-skimage opencv-doc > /dev/null 2>&1 || true
swift build -c release > /dev/null
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q "numpy<2" opencv-python-headless==4.6.0.66 faiss-cpu asmk
fi
DEVSET=$WORK/devset
[ -f "$DEVSET/groundtruth.tsv" ] || bench/.venv/bin/python bench/retrieval/make_devset.py "$DEVSET" > /dev/null 2>&1
DISTRACTORS=$DEVSET/db/distractors

# The reference-only protocol as a TSV with a junk column: `loci eval map` reports its
# "easy" figure with the reference as the positive and the other two views ignored.
python3 - "$SMVS" "$WORK/gt_ref_only.tsv" <<'EOF'
import sys
smvs, out = sys.argv[1], sys.argv[2]
with open(out, "w") as f:
    f.write("query\tpositives\tjunk\n")
    for line in open(f"{smvs}/groundtruth.tsv").read().splitlines()[1:]:
        q, p = line.split("\t")
        views = [f"{smvs}/{x}" for x in p.split(",")]
        ref = [v for v in views if "/ref_" in v]
        f.write(f"{smvs}/{q}\t{','.join(ref)}\t{','.join(v for v in views if v not in ref)}\n")
EOF

RESULTS=$WORK/results.jsonl
: > "$RESULTS"
# eval NAME DETECTOR INDEX [eval map options...]: one table row on both ground truths.
evaluate() {
  local name=$1 detector=$2 index=$3
  shift 3
  "$BIN/loci" eval map --index "$index" --groundtruth "$SMVS/groundtruth.tsv" --query-features "$WORK/$detector/queries" \
    --json "$@" > "$WORK/eval.json" 2> /dev/null
  "$BIN/loci" eval map --index "$index" --groundtruth "$WORK/gt_ref_only.tsv" --query-features "$WORK/$detector/queries" \
    --json "$@" > "$WORK/eval-ref.json" 2> /dev/null
  python3 - "$name" "$WORK/eval.json" "$WORK/eval-ref.json" "$RESULTS" <<'EOF'
import json, sys
name, full, ref, out = sys.argv[1:]
d, r = json.load(open(full)), json.load(open(ref))
row = {"pipeline": name, "map": d["map"], "map_ref_only": r["easy"], "p_at_1": d["p_at_1"],
       "search_ms": 1000 * (d["seconds_per_query"] - d["rerank_seconds_per_query"]),
       "rerank_ms": 1000 * d["rerank_seconds_per_query"]}
open(out, "a").write(json.dumps(row) + "\n")
print("  %-58s mAP %6.2f  ref-only %6.2f  P@1 %6.2f  search %6.1f ms  re-rank %7.1f ms" % (
    name, row["map"], row["map_ref_only"], row["p_at_1"], row["search_ms"], row["rerank_ms"]), flush=True)
EOF
}

for detector in $DETECTORS; do
  D=$WORK/$detector
  echo "== $detector: featurize, vocabulary ($WORDS words), indexes"
  "$BIN/featurize" "$SMVS/db" "$DISTRACTORS" --out "$D/db" --detector "$detector" --json > "$D.featurize.json" 2> /dev/null || true
  "$BIN/featurize" "$SMVS/queries" --out "$D/queries" --detector "$detector" --json > "$D.queries.json" 2> /dev/null || true
  python3 -c "import json; d = json.load(open('$D.featurize.json')); q = json.load(open('$D.queries.json')); print('  %d db images, %.0f features/image; %d queries, %.0f features/image' % (d['images'], d['features'] / d['images'], q['images'], q['features'] / q['images']))"
  [ -f "$D/vocab.lvoc" ] || "$BIN/loci" vocab train "$D/db" --sample 200000 --seed 1 --out "$D/vocab.lvoc" > /dev/null
  "$BIN/loci" index build "$D/db" --vocab "$D/vocab.lvoc" --out "$D/all.lidx" > /dev/null
  "$BIN/loci" index build "$D/db/db" --vocab "$D/vocab.lvoc" --out "$D/smvs.lidx" > /dev/null
  for rerank in none hpm ransac; do
    evaluate "loci $detector, rerank $rerank" "$detector" "$D/all.lidx" --rerank $rerank --shortlist 100
  done
  for rerank in hpm ransac; do
    evaluate "loci $detector, rerank $rerank, shortlist 1000" "$detector" "$D/all.lidx" --rerank $rerank --shortlist 1000
  done
  evaluate "loci $detector, rerank none, SMVS only (no distractors)" "$detector" "$D/smvs.lidx" --rerank none
  evaluate "loci $detector, rerank ransac, SMVS only (no distractors)" "$detector" "$D/smvs.lidx" --rerank ransac
  if [ "$detector" = "$(echo $DETECTORS | cut -d' ' -f1)" ]; then
    evaluate "loci $detector, rerank hpm --verified-order score (HPM similarity)" "$detector" "$D/all.lidx" --rerank hpm --verified-order score
    evaluate "loci $detector, rerank ransac --query-depth 1" "$detector" "$D/all.lidx" --rerank ransac --query-depth 1
    [ -f "$D/vocab-1024.lvoc" ] || "$BIN/loci" vocab train "$D/db" --size 1024 --sample 200000 --seed 1 --out "$D/vocab-1024.lvoc" > /dev/null
    "$BIN/loci" index build "$D/db" --vocab "$D/vocab-1024.lvoc" --out "$D/all-1024.lidx" > /dev/null
    for rerank in none hpm ransac; do
      evaluate "loci $detector, 1,024 words, rerank $rerank" "$detector" "$D/all-1024.lidx" --rerank $rerank
    done
    "$BIN/loci" index build "$D/db" --vocab "$D/vocab.lvoc" --idf --out "$D/idf.lidx" > /dev/null
    evaluate "loci $detector, index --idf, rerank none" "$detector" "$D/idf.lidx" --rerank none
    evaluate "loci $detector, index --idf, rerank ransac" "$detector" "$D/idf.lidx" --rerank ransac
    "$BIN/loci" index build "$D/db/db" --vocab "$D/vocab.lvoc" --idf --out "$D/idf-smvs.lidx" > /dev/null
    evaluate "loci $detector, index --idf, rerank none, SMVS only" "$detector" "$D/idf-smvs.lidx" --rerank none
    "$BIN/loci" index build "$D/db" --vocab "$D/vocab.lvoc" --query-assignments 5 --out "$D/ma5.lidx" > /dev/null
    evaluate "loci $detector, index --query-assignments 5, rerank none" "$detector" "$D/ma5.lidx" --rerank none
    evaluate "loci $detector, index --query-assignments 5, rerank ransac" "$detector" "$D/ma5.lidx" --rerank ransac
    for kernel in bow he asmk; do
      "$BIN/loci" index build "$D/db" --vocab "$D/vocab.lvoc" --kernel $kernel --out "$D/$kernel.lidx" > /dev/null
      evaluate "loci $detector, kernel $kernel, rerank none" "$detector" "$D/$kernel.lidx" --rerank none
      evaluate "loci $detector, kernel $kernel, rerank ransac" "$detector" "$D/$kernel.lidx" --rerank ransac
    done
    for binarisation in medians sign; do
      "$BIN/loci" index build "$D/db" --vocab "$D/vocab.lvoc" --binarisation $binarisation --out "$D/$binarisation.lidx" > /dev/null
      evaluate "loci $detector, asmk-star --binarisation $binarisation, rerank none" "$detector" "$D/$binarisation.lidx" --rerank none
      evaluate "loci $detector, asmk-star --binarisation $binarisation, rerank ransac" "$detector" "$D/$binarisation.lidx" --rerank ransac
    done
  fi
done

echo "== Python baseline (OpenCV SIFT <= 2000, RootSIFT, asmk ASMK*, MAGSAC re-ranking of the top 50), same machine"
bench/.venv/bin/python bench/retrieval/smvs_baseline.py "$SMVS" "$WORK/baseline" --distractors "$DISTRACTORS" | tee -a "$RESULTS" | \
  python3 -c "
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print('  %-58s mAP %6.2f  ref-only %6.2f  P@1 %6.2f  search %6.1f ms  re-rank %7.1f ms' % (r['pipeline'] + ', ' + r['database'], r['map'], r['map_ref_only'], r['p_at_1'], r['search_ms'], r['rerank_ms']))"
bench/.venv/bin/python bench/retrieval/smvs_baseline.py "$SMVS" "$WORK/baseline" | tee -a "$RESULTS" | \
  python3 -c "
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print('  %-58s mAP %6.2f  ref-only %6.2f  P@1 %6.2f  search %6.1f ms  re-rank %7.1f ms' % (r['pipeline'] + ', ' + r['database'], r['map'], r['map_ref_only'], r['p_at_1'], r['search_ms'], r['rerank_ms']))"
echo "rows: $RESULTS"
