#!/usr/bin/env bash
# HPM against the RANSAC peers in alternating rounds, so that both sides are timed in the same
# minutes of this (noisy, shared) VM: each round times Loci's HPM, then the Python peers, on the
# same correspondences, best of REPEATS each; prints every round and the median ratio
# (fastest peer / HPM) per size.
# Both sides make 20 untimed calls first (steady state).
# Usage: bench/verification_rounds.sh [ROUNDS=5] [REPEATS=5] [SWAP_INVARIANCE=average]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
REPEATS=${2:-5}
MODE=${3:-average}
OUT=bench/out/verification-rounds
mkdir -p "$OUT"
: > "$OUT/log.txt"
for round in $(seq "$ROUNDS"); do
  .build/release/loci-bench verification --out "$OUT" --repeats "$REPEATS" --hpm-only --swap-invariance "$MODE" \
    | sed "s/^/round $round loci /" | tee -a "$OUT/log.txt"
  bench/.venv/bin/python bench/verification_peers.py "$OUT" "$REPEATS" | sed "s/^/round $round peers /" | tee -a "$OUT/log.txt"
done
python3 - "$OUT/log.txt" <<'PY'
import re, statistics, sys
hpm, peers = {}, {}
for line in open(sys.argv[1]):
    m = re.match(r"round (\d+) (loci|peers) n=\s*(\d+)\s+(.*)", line)
    if not m:
        continue
    rnd, who, n, rest = int(m[1]), m[2], int(m[3]), m[4]
    times = [float(t) for t in re.findall(r"([\d.]+) ms", rest)]
    if who == "loci":
        hpm[(rnd, n)] = times[0]
    else:
        peers[(rnd, n)] = min(times)
for n in sorted({n for _, n in hpm}):
    ratios = [peers[(r, m)] / hpm[(r, m)] for (r, m) in hpm if m == n and (r, m) in peers]
    print(f"n={n:6d}  HPM best {min(hpm[(r, m)] for (r, m) in hpm if m == n):7.3f} ms  "
          f"fastest peer best {min(peers[(r, m)] for (r, m) in peers if m == n):7.3f} ms  "
          f"ratio per round {' '.join(f'{x:.1f}' for x in ratios)}  median {statistics.median(ratios):.1f}x")
PY
