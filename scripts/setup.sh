#!/usr/bin/env bash
# Installs the system packages Neuromod builds against, if any is missing (Debian/Ubuntu).
#   libgsl-dev       GSL: random generators, special functions, the CBLAS interface
#   libopenblas-dev  the optimized BLAS that GSL's CBLAS calls are bound to
#   zlib1g-dev       gzip-compressed data files
#   pkg-config, make
#   python3-nbformat the reference notebook validator (tests validate exported notebooks with /usr/bin/python3)
set -euo pipefail
packages=(libgsl-dev libopenblas-dev zlib1g-dev pkg-config make python3-nbformat)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift not found on PATH (Swift 6 toolchain required)" >&2; exit 1; }
