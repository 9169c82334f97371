#!/usr/bin/env bash
# Builds and runs a package that depends on Loci *by version* (scripts/consumer/): a tagged
# clone of this repository's HEAD serves as the dependency, so any unsafe build flag in the
# Loci product makes this fail (SwiftPM refuses such flags in versioned dependencies).
#   scripts/consumer-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/loci-consumer.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
git clone -q . "$WORK/loci"
git -C "$WORK/loci" -c user.name=ci -c user.email=ci@localhost tag -a 0.9.0 -m "consumer check" >/dev/null
mkdir -p "$WORK/consumer"
cp -R scripts/consumer/Sources "$WORK/consumer/"
mkdir -p "$WORK/consumer/Sources/IndexOnlyConsumer"
sed 's/^import Loci$/import LociIndex/' scripts/consumer/Sources/LociConsumer/main.swift \
  > "$WORK/consumer/Sources/IndexOnlyConsumer/main.swift"
sed -e "s|@URL@|file://$WORK/loci|" -e "s|@VERSION@|0.9.0|" scripts/consumer/Package.swift.in > "$WORK/consumer/Package.swift"
cd "$WORK/consumer"
swift build 2>&1 | tail -3
swift run LociConsumer
swift run IndexOnlyConsumer
# The index-only consumer links no OpenCV, CGAL, GMP or MPFR.
heavy=$(ldd .build/debug/IndexOnlyConsumer | grep -E "opencv|CGAL|gmp|mpfr" || true)
if [ -n "$heavy" ]; then
  echo "IndexOnlyConsumer links heavy libraries:"
  echo "$heavy"
  exit 1
fi
echo "IndexOnlyConsumer: $(ldd .build/debug/IndexOnlyConsumer | wc -l) shared libraries, no OpenCV/CGAL"
