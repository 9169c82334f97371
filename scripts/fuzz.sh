#!/usr/bin/env bash
# Seeded mutation fuzzing of Loci's file formats on a release build: for each of .lfeat,
# .lvoc, .lidx, VGG text and encoded images, SECONDS (default 600) of mutants of valid files
# (the binary formats' checksums fixed up so they reach the value checks), each decoded and,
# when accepted, used: searched, verified and indexed, or (images) detected on. Findings: a crash (the process dies; the mutant is left in WORK), a mutant that
# runs over 10 s (the run aborts naming it), or an allocation over the address-space limit
# (1 GB above the process's start-up mappings, set with ulimit -v: the allocation fails and
# the process traps).
#   scripts/fuzz.sh [SECONDS] [SEED]
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_FORMAT=${1:-600}
SEED=${2:-1}
WORK=$(mktemp -d /tmp/loci-fuzz.XXXXXX)
swift build -c release --product loci-bench >/dev/null || exit 2
BENCH=.build/release/loci-bench
# The address-space limit: what an idle run maps (libraries, thread stacks) plus 1 GB.
BASE_KB=$(bash -c "$BENCH fuzz lfeat --seconds 0.5 >/dev/null & pid=\$!; sleep 0.3; awk '/VmPeak/ {print \$2}' /proc/\$pid/status; wait \$pid")
LIMIT_KB=$(( ${BASE_KB:-1000000} + 1048576 ))
echo "address-space limit: ${LIMIT_KB} kB (start-up ${BASE_KB} kB + 1 GB)"
status=0
for format in lfeat lvoc lidx vgg image; do
  ( ulimit -v "$LIMIT_KB"; exec "$BENCH" fuzz "$format" --seconds "$SECONDS_PER_FORMAT" --seed "$SEED" \
      --mutant-file "$WORK/$format.mutant" )
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "$format: FINDING (exit $rc); the mutant is $WORK/$format.mutant"
    status=1
  fi
done
[ $status -eq 0 ] && rm -rf "$WORK"
exit $status
