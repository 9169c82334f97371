#!/usr/bin/env bash
# Installs the system libraries Loci builds against (Debian 12), only when missing.
# OpenCV 4.6 (codecs, SIFT/MSER baselines), CGAL 5.5 (header-only) with Boost, GMP and MPFR,
# the codec libraries whose headers the image size check reads (libjpeg, libpng, libtiff, libwebp),
# SQLite (the COLMAP database export), HDF5 (the hloc export, opened at run time), and Python's
# venv (the Python package's tests).
set -euo pipefail

packages=(libopencv-dev libcgal-dev libboost-dev libgmp-dev libmpfr-dev libjpeg-dev libpng-dev libtiff-dev libwebp-dev libsqlite3-dev libhdf5-dev python3-venv pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
