#!/usr/bin/env bash
# The CPU benchmark suite in one command: installs the Python reference's packages, builds, runs
# bench/run_benchmarks.py (tables on stdout, raw JSON in bench/results/cpu.json). Run it on an
# otherwise idle machine; it takes about ten minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/setup.sh
bash scripts/setup.sh
/usr/bin/python3 bench/run_benchmarks.py "$@"
