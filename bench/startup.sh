#!/usr/bin/env bash
# Process start-up and a one-image query, timed in alternated rounds.
#
#   bench/startup.sh BIN_DIR [OTHER_BIN_DIR] [ROUNDS] [RUNS]
#
# BIN_DIR (and OTHER_BIN_DIR, e.g. the release products of another commit) hold `loci` and
# `featurize`. Each round runs every command RUNS times per directory, directories
# alternating, and prints the mean wall time per run in milliseconds. The query index is built
# from Fixtures/ by the last directory given (older binaries may not read newer indexes).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dirs=("$1")
[[ $# -ge 2 && -n "$2" ]] && dirs+=("$2")
rounds="${3:-3}"
runs="${4:-20}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

builder="${dirs[${#dirs[@]}-1]}"
"$builder/featurize" "$root/Fixtures" --out "$work/features" >/dev/null
"$builder/loci" vocab train "$work/features" --size 64 --out "$work/v.lvoc" >/dev/null 2>&1
"$builder/loci" index build "$work/features" --vocab "$work/v.lvoc" --out "$work/i.lidx" >/dev/null
cp "$root/Fixtures/scenes/image00-480.jpg" "$work/query.jpg"

mean_ms() {  # mean wall time in ms of RUNS runs of "$@"
  local start end
  start=$(date +%s%N)
  for ((i = 0; i < runs; i++)); do "$@" >/dev/null 2>&1; done
  end=$(date +%s%N)
  awk -v t=$((end - start)) -v n="$runs" 'BEGIN { printf "%.1f", t / n / 1e6 }'
}

printf '%-8s %-44s %s\n' round command "ms per run: ${dirs[*]}"
for ((r = 1; r <= rounds; r++)); do
  for label in "loci --help" "featurize --version" "loci query (one JPEG, HPM)"; do
    line=""
    for d in "${dirs[@]}"; do
      case "$label" in
        "loci --help") t=$(mean_ms "$d/loci" --help) ;;
        "featurize --version") t=$(mean_ms "$d/featurize" --version) ;;
        *) t=$(mean_ms "$d/loci" query "$work/i.lidx" "$work/query.jpg" --top 5) ;;
      esac
      line+="$t  "
    done
    printf '%-8s %-44s %s\n' "$r" "$label" "$line"
  done
done
