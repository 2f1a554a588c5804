#!/usr/bin/env python3
"""Data-parallel scaling on this machine (issue 13): moco-train with the default experiment
(fashion-mnist-demo: small CNN, batch 256, K 4096) on one process, and with --nproc 2 at the same
per-process batch (effective batch 512) and at the same global batch (2 x 128). images/s counts
both views of the global batch; the median over the steps after the first few (warm-up) is taken.
The arms are interleaved, `--reps` times each.

    python3 bench/dist_scaling.py [--moco-train build/app/moco-train] [--steps 40] [--reps 2]
"""
import argparse
import csv
import os
import shutil
import statistics
import subprocess
import tempfile
import time

WARMUP = 5  # the first steps allocate and fill caches

ARMS = [
    ("1 process, batch 256", []),
    ("2 processes x 256 (effective 512)", ["--nproc", "2"]),
    ("2 processes x 128 (effective 256)", ["--nproc", "2", "--set", "optim.batch_size=128"]),
]


def run_arm(moco_train, extra, steps):
    out = tempfile.mkdtemp(prefix="dist_scaling_")
    shutil.rmtree(out)
    start = time.time()
    subprocess.run([moco_train, "--steps", str(steps), "--out", out, "-q"] + extra, check=True)
    wall = time.time() - start
    with open(os.path.join(out, "metrics.csv")) as f:
        rows = list(csv.DictReader(f))
    shutil.rmtree(out)
    rates = [float(r["images_per_second"]) for r in rows[WARMUP:]]
    return statistics.median(rates), wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--moco-train", default="build/app/moco-train")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--reps", type=int, default=2)
    args = parser.parse_args()
    results = {name: [] for name, _ in ARMS}
    for _ in range(args.reps):
        for name, extra in ARMS:
            results[name].append(run_arm(args.moco_train, extra, args.steps))
    base = statistics.median(r for r, _ in results[ARMS[0][0]])
    print("| run | images/s (median) | vs 1 process | raw images/s | wall s |")
    print("|---|---|---|---|---|")
    for name, _ in ARMS:
        rates = [r for r, _ in results[name]]
        med = statistics.median(rates)
        print(f"| {name} | {med:.0f} | {med / base:.2f}x | {', '.join(f'{r:.0f}' for r in rates)} | "
              f"{', '.join(f'{w:.0f}' for _, w in results[name])} |")


if __name__ == "__main__":
    main()
