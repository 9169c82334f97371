#!/usr/bin/env bash
# The Python package's tests (python/tests) against the built executables: a venv under
# python/.venv with the package, pytest and pycolmap (COLMAP reads Loci's export there).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/python/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check "numpy==1.26.4" "pytest==8.3.4" "pycolmap==4.2.1" "h5py==3.16.0" "kapture==1.1.12" "dask[distributed]==2024.8.2"
"$venv/bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall "$root/python"
bin="$(cd "$root" && swift build --show-bin-path)"
for tool in featurize loci loci-server; do
  [ -x "$bin/$tool" ] || (cd "$root" && swift build --product "$tool")
done
cd "$root"
LOCI_BIN="$bin" "$venv/bin/python" -m pytest python/tests -q -p no:cacheprovider
