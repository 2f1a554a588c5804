#!/usr/bin/python3
"""Runs the CPU benchmark suite and prints BENCHMARKS.md tables (markdown) plus raw JSON.

Throughput runs of our engine (build/bench/train_bench) and the Python reference
(bench/python/moco_reference.py) are interleaved in the same session, so ratios compare like with
like. Every number is the median of --reps runs. Usage: bench/run-benchmarks.sh (builds first).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OURS = os.path.join(ROOT, "build", "bench", "train_bench")
PY = [sys.executable, os.path.join(ROOT, "bench", "python", "moco_reference.py")]


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def ours(mode, steps, warmup, sets=()):
    cmd = [OURS, "--mode", mode, "--steps", str(steps), "--warmup", str(warmup)]
    for s in sets:
        cmd += ["--set", s]
    return run(cmd)


def python(variant, steps, warmup, threads, workers):
    out = os.path.join(ROOT, "bench", "results", ".python-run.json")
    subprocess.run(PY + ["--variant", variant, "--steps", str(steps), "--warmup", str(warmup), "--threads", str(threads),
                         "--workers", str(workers), "--json-out", out], check=True, capture_output=True)
    with open(out) as f:
        result = json.load(f)
    os.remove(out)
    return result


def median(rows, key):
    return statistics.median(r[key] for r in rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--json-out", default=os.path.join(ROOT, "bench", "results", "cpu.json"))
    args = ap.parse_args()
    threads = os.cpu_count()
    raw = {"throughput": [], "scaling_batch": [], "scaling_k": [], "augment": [], "knn": []}

    # 1. Throughput, interleaved.
    for rep in range(args.reps):
        for name, fn in [("ours e2e", lambda: ours("e2e", args.steps, args.warmup)),
                         ("ours engine", lambda: ours("engine", args.steps, args.warmup)),
                         ("python users", lambda: python("users", args.steps, args.warmup, threads, threads)),
                         ("python tuned", lambda: python("tuned", args.steps, args.warmup, threads, 0)),
                         ("python engine", lambda: python("engine", args.steps, args.warmup, threads, 0))]:
            r = fn()
            r["name"] = name
            raw["throughput"].append(r)
            print(f"rep {rep + 1}: {name}: {r['images_per_second']:.0f} img/s", file=sys.stderr)
        raw["augment"].append(ours("augment", args.steps, args.warmup))

    # 2. Scaling (our engine, engine-only so the augmentation does not blur the picture).
    for batch in [64, 128, 256, 512]:
        raw["scaling_batch"].append(ours("engine", max(5, args.steps // 2), 2, [f"optim.batch_size={batch}"]))
    for k in [1024, 4096, 16384, 65536]:
        raw["scaling_k"].append(ours("engine", max(5, args.steps // 2), 2, [f"moco.queue_size={k}"]))

    # 4. kNN monitor over a 10 000-image bank.
    for _ in range(args.reps):
        raw["knn"].append(ours("knn", 1, 0))

    with open(args.json_out, "w") as f:
        json.dump(raw, f, indent=1)

    names = ["ours e2e", "ours engine", "python users", "python tuned", "python engine"]
    by = {n: [r for r in raw["throughput"] if r["name"] == n] for n in names}
    med = {n: median(by[n], "images_per_second") for n in names}
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True,
                         text=True).stdout.strip()
    print(f"Machine: {cpu}, {threads} cores, {platform.platform()}; torch threads {threads}; "
          f"LibTorch/PyTorch {by['python users'][0]['torch_version']}; date {time.strftime('%Y-%m-%d')}.\n")
    print("| run | images/s (both views) | s / 1000 steps | peak RSS MiB | raw images/s |")
    print("|---|---|---|---|---|")
    for n in names:
        rss = median(by[n], "peak_rss_self_mib")
        if n == "python users":
            rss_children = median(by[n], "peak_rss_children_mib")
            rss_text = f"{rss:.0f} + {rss_children:.0f} per worker"
        else:
            rss_text = f"{rss:.0f}"
        raw_values = ", ".join(f"{r['images_per_second']:.0f}" for r in by[n])
        print(f"| {n} | {med[n]:.0f} | {median(by[n], 'seconds_per_1000_steps'):.0f} | {rss_text} | {raw_values} |")
    print()
    print(f"Ratios (medians): end-to-end vs users {med['ours e2e'] / med['python users']:.2f}x, "
          f"vs tuned {med['ours e2e'] / med['python tuned']:.2f}x; engine-only vs Python engine "
          f"{med['ours engine'] / med['python engine']:.2f}x.\n")
    aug = statistics.median(r["seconds"] / r["steps"] for r in raw["augment"])
    e2e = statistics.median(r["seconds"] / r["steps"] for r in by["ours e2e"])
    print(f"Augmentation: {aug * 1000:.0f} ms per step (two views of 256) = {100 * aug / e2e:.1f} % of an "
          f"end-to-end step ({e2e * 1000:.0f} ms).\n")
    print("| batch | images/s | s / 1000 steps |")
    print("|---|---|---|")
    for r in raw["scaling_batch"]:
        print(f"| {r['batch']} | {r['images_per_second']:.0f} | {r['seconds_per_1000_steps']:.0f} |")
    print()
    print("| K | images/s | s / 1000 steps |")
    print("|---|---|---|")
    for r in raw["scaling_k"]:
        print(f"| {r['K']} | {r['images_per_second']:.0f} | {r['seconds_per_1000_steps']:.0f} |")
    print()
    knn = statistics.median(r["seconds"] for r in raw["knn"])
    knn_raw = ", ".join("%.2f" % r["seconds"] for r in raw["knn"])
    print(f"kNN monitor (10 000 training images in the bank, 10 000 test images, k 200): {knn:.2f} s (raw: {knn_raw}).")


if __name__ == "__main__":
    main()
