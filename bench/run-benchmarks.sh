#!/usr/bin/env bash
# The CPU benchmark suite in one command: installs the Python reference's packages, builds, runs
# bench/run_benchmarks.py: training throughput against the Python reference, scaling, augmentation
# share, kNN monitor, GUI responsiveness (gui_bench) and t-SNE against scikit-learn
# (bench/tsne_compare.sh). Markdown tables on stdout and in bench/results/cpu.md, raw JSON in
# bench/results/cpu.json. Run it on an otherwise idle machine: about 20 minutes on two cores.
# Arguments go to run_benchmarks.py (--reps, --steps, --gui-seconds, --skip-tsne, --skip-gui).
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/setup.sh
bash scripts/setup.sh
/usr/bin/python3 bench/run_benchmarks.py "$@"
