#!/usr/bin/env bash
# Gathers what scripts/gpu-bench.sh needs on a GPU machine without Debian's -dev packages: the
# nlohmann-json, CLI11 and zlib headers and the Fashion-MNIST files, into .gpu-deps/.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .gpu-deps && mkdir -p .gpu-deps/include .gpu-deps/fashion-mnist
cp -r /usr/include/nlohmann /usr/include/CLI /usr/include/zlib.h /usr/include/zconf.h .gpu-deps/include/
cp /usr/share/datasets/fashion-mnist/*.gz .gpu-deps/fashion-mnist/
du -sh .gpu-deps
