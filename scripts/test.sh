#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs the whole test suite headless.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure
