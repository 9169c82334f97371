#!/usr/bin/env bash
# The default Loci pipeline (rerank none / ransac / hpm) on SMVS + distractors and, in the same
# run, the Python baseline with and without MAGSAC re-ranking: the short check of
# bench/retrieval/smvs.sh, reusing its work folder (run smvs.sh once first).
#   bench/retrieval/smvs_defaults.sh [WORK=/tmp/loci-smvs]
set -euo pipefail
cd "$(dirname "$0")/../.."
S=../shared/data/smvs-dvd; W=${1:-/tmp/loci-smvs}; D=$W/mfd; B=.build/release
echo "start $(date)"
$B/loci index build $D/db --vocab $D/vocab.lvoc --out $W/defaults.lidx > /dev/null
for r in none ransac hpm; do
  $B/loci eval map --index $W/defaults.lidx --groundtruth $S/groundtruth.tsv --query-features $D/queries --rerank $r --json > $W/defaults-$r.json 2>/dev/null
  python3 -c "import json; d=json.load(open('$W/defaults-$r.json')); print('loci mfd defaults, rerank $r: mAP %.2f P@1 %.2f search %.1f ms rerank %.1f ms' % (d['map'], d['p_at_1'], d['seconds_per_query']*1000, d['rerank_seconds_per_query']*1000))"
done
bench/.venv/bin/python bench/retrieval/smvs_baseline.py "$S" "$W/baseline" --distractors "$W/devset/db/distractors" | python3 -c "
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print('  %-58s mAP %6.2f  ref-only %6.2f  P@1 %6.2f  search %6.1f ms  re-rank %7.1f ms' % (r['pipeline'] + ', ' + r['database'], r['map'], r['map_ref_only'], r['p_at_1'], r['search_ms'], r['rerank_ms']))"
echo "end $(date)"
