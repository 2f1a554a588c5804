#!/usr/bin/env bash
# Installs what the benchmarks need from Debian 12's own archive: the PyTorch reference
# (bench/python/moco_reference.py) uses python3-torch, which wraps the same LibTorch 1.13 as our
# C++ engine, so a throughput comparison measures code rather than library versions.
# Idempotent: packages already installed are skipped, and nothing runs when all are present.
set -euo pipefail

packages=(
    python3-torch
    python3-torchvision
    python3-numpy
    python3-sklearn
    python3-psutil
    hyperfine
    dataset-fashion-mnist
)

is_installed() {
    # dpkg-query prints "install ok installed" only for a fully configured package.
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for pkg in "${packages[@]}"; do
    if ! is_installed "$pkg"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup.sh: all ${#packages[@]} packages already installed"
    exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi

# Wait up to 10 minutes for the dpkg lock instead of failing when another install is running
# (a fresh machine often has unattended-upgrades or a colleague's apt-get holding it).
apt_opts=(-o DPkg::Lock::Timeout=600)

echo "setup.sh: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get "${apt_opts[@]}" update
# env, not a VAR=value prefix: sudo would drop the variable from the environment.
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${apt_opts[@]}" install -y "${missing[@]}"
