#!/usr/bin/env bash
# Installs every Debian package MoCo Workbench needs (only those missing), then configures and
# builds it (Release, ccache) into build/. Safe to run again: it only does what is left to do.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ccache pkg-config          # toolchain
  libtorch-dev libopenblas0-pthread                # LibTorch; OpenBLAS instead of the slow reference BLAS
  zlib1g-dev nlohmann-json3-dev libcli11-dev       # core: gzip'd IDX files, JSON, the CLI
  libopencv-dev                                    # imaging: decoding and drawing images
  libcurl4-openssl-dev libssl-dev libarchive-dev   # dataset downloads (HTTP, MD5) and reading .tar.gz releases
  qt6-base-dev qt6-qpa-plugins libqcustomplot-dev  # the GUI and Qt Test
  libqt6svg6                                       # Qt's SVG icon engine: the toolbar and window icons
  libgloo-dev                                      # Gloo headers for c10d (data-parallel runs, core/dist/)
  dataset-fashion-mnist                            # the default dataset
  xvfb xauth                                       # a virtual display for headless runs and screenshots
)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# scripts/fuzz.sh and scripts/sanitize.sh need the packages only; they build elsewhere.
[ "${MOCO_PACKAGES_ONLY:-0}" = 1 ] && exit 0

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
