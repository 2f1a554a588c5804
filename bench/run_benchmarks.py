#!/usr/bin/python3
"""Runs the CPU benchmark suite and prints BENCHMARKS.md tables (markdown) plus raw JSON.

Throughput runs of our engine (build/bench/train_bench) and the Python reference
(bench/python/moco_reference.py) are interleaved in the same session, so ratios compare like with
like; so are the scaling runs. Every number is the median of --reps runs. Then t-SNE against
scikit-learn (bench/tsne_compare.sh) and the GUI's responsiveness (build/bench/gui_bench).
Usage: bench/run-benchmarks.sh (builds first). Markdown to stdout and bench/results/cpu.md, raw
JSON to bench/results/cpu.json.
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
GUI = os.path.join(ROOT, "build", "bench", "gui_bench")
GUI_CONFIGS = [("MoCo v2 default (Fashion-MNIST, batch 256)", None),
               ("fast steps (bench/configs/gui-fast-steps.json, batch 32)",
                os.path.join(ROOT, "bench", "configs", "gui-fast-steps.json"))]
PY = [sys.executable, os.path.join(ROOT, "bench", "python", "moco_reference.py")]


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def ours(mode, steps, warmup, sets=(), masked=False):
    cmd = [OURS, "--mode", mode, "--steps", str(steps), "--warmup", str(warmup)] + (["--masked"] if masked else [])
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


def gui(config, seconds):
    out = os.path.join(ROOT, "bench", "results", ".gui-run.jsonl")
    if os.path.exists(out):
        os.remove(out)
    cmd = [GUI, "--seconds", str(seconds), "--json-out", out] + (["--config", config] if config else [])
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    with open(out) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    os.remove(out)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--gui-seconds", type=float, default=10)
    ap.add_argument("--skip-tsne", action="store_true")
    ap.add_argument("--skip-gui", action="store_true")
    ap.add_argument("--json-out", default=os.path.join(ROOT, "bench", "results", "cpu.json"))
    ap.add_argument("--md-out", default=os.path.join(ROOT, "bench", "results", "cpu.md"))
    args = ap.parse_args()
    threads = os.cpu_count()
    raw = {"throughput": [], "scaling_batch": [], "scaling_k": [], "augment": [], "knn": [], "gui": []}

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
        raw["augment"].append(ours("augment", args.steps, args.warmup, masked=True))

    # 2. Scaling (our engine, engine-only so the augmentation does not blur the picture), interleaved.
    for rep in range(args.reps):
        for batch in [64, 128, 256, 512]:
            raw["scaling_batch"].append(ours("engine", max(5, args.steps // 2), 2, [f"optim.batch_size={batch}"]))
        for k in [1024, 4096, 16384, 65536]:
            raw["scaling_k"].append(ours("engine", max(5, args.steps // 2), 2, [f"moco.queue_size={k}"]))
        print(f"rep {rep + 1}: scaling done", file=sys.stderr)

    # 4. kNN monitor over a 10 000-image bank.
    for _ in range(args.reps):
        raw["knn"].append(ours("knn", 1, 0))

    # 5. GUI responsiveness, each configuration --reps times.
    if not args.skip_gui:
        for rep in range(args.reps):
            for label, config in GUI_CONFIGS:
                for row in gui(config, args.gui_seconds):
                    row["config"] = label
                    raw["gui"].append(row)
            print(f"rep {rep + 1}: gui done", file=sys.stderr)

    with open(args.json_out, "w") as f:
        json.dump(raw, f, indent=1)

    lines = []
    out = lines.append
    names = ["ours e2e", "ours engine", "python users", "python tuned", "python engine"]
    by = {n: [r for r in raw["throughput"] if r["name"] == n] for n in names}
    med = {n: median(by[n], "images_per_second") for n in names}
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True,
                         text=True).stdout.strip()
    out(f"Machine: {cpu}, {threads} cores, {platform.platform()}; torch threads {threads}; "
        f"LibTorch/PyTorch {by['python users'][0]['torch_version']}; date {time.strftime('%Y-%m-%d')}.\n")
    out("| run | images/s (both views) | s / 1000 steps | peak RSS MiB | raw images/s |")
    out("|---|---|---|---|---|")
    for n in names:
        rss = median(by[n], "peak_rss_self_mib")
        if n == "python users":
            rss_children = median(by[n], "peak_rss_children_mib")
            rss_text = f"{rss:.0f} + {rss_children:.0f} per worker"
        else:
            rss_text = f"{rss:.0f}"
        raw_values = ", ".join(f"{r['images_per_second']:.0f}" for r in by[n])
        out(f"| {n} | {med[n]:.0f} | {median(by[n], 'seconds_per_1000_steps'):.0f} | {rss_text} | {raw_values} |")
    out("")
    out(f"Ratios (medians): end-to-end vs users {med['ours e2e'] / med['python users']:.2f}x, "
        f"vs tuned {med['ours e2e'] / med['python tuned']:.2f}x; engine-only vs Python engine "
          f"{med['ours engine'] / med['python engine']:.2f}x.\n")
    gathered = [r for r in raw["augment"] if r["augmentation"] != "masked"]
    masked = [r for r in raw["augment"] if r["augmentation"] == "masked"]
    aug = statistics.median(r["seconds"] / r["steps"] for r in gathered)
    aug_masked = statistics.median(r["seconds"] / r["steps"] for r in masked)
    e2e = statistics.median(r["seconds"] / r["steps"] for r in by["ours e2e"])
    out(f"Augmentation: {aug * 1000:.1f} ms per step (two views of 256) = {100 * aug / e2e:.1f} % of an "
        f"end-to-end step ({e2e * 1000:.0f} ms). The GPU's masked implementation, run here on the CPU: "
        f"{aug_masked * 1000:.1f} ms per step.\n")
    out(f"Operators called per augmented view (top level, views excluded; about the kernel launches on a GPU): "
        f"ours gathered (CPU) {gathered[0]['aten_ops_per_view']}, ours masked (GPU) {masked[0]['aten_ops_per_view']}, "
        f"Python tuned {by['python tuned'][0]['aten_ops_per_view']}.\n")
    for key, column in [("scaling_batch", "batch"), ("scaling_k", "K")]:
        out(f"| {column} | images/s (median) | s / 1000 steps | raw images/s |")
        out("|---|---|---|---|")
        for value in sorted({r[column] for r in raw[key]}):
            rows = [r for r in raw[key] if r[column] == value]
            raw_values = ", ".join(f"{r['images_per_second']:.0f}" for r in rows)
            out(f"| {value} | {median(rows, 'images_per_second'):.0f} | {median(rows, 'seconds_per_1000_steps'):.0f} "
                f"| {raw_values} |")
        out("")
    knn = statistics.median(r["seconds"] for r in raw["knn"])
    knn_raw = ", ".join("%.2f" % r["seconds"] for r in raw["knn"])
    out(f"kNN monitor (10 000 training images in the bank, 10 000 test images, k 200): {knn:.2f} s (raw: {knn_raw}).\n")

    if raw["gui"]:
        out(f"GUI responsiveness (gui_bench, {args.gui_seconds:g} s per scenario, {args.reps} runs, medians [raw]):\n")
        out("| experiment | scenario | longest stall ms | p99 gap ms | loss-plot replots/s | training images/s |")
        out("|---|---|---|---|---|---|")
        for label, _ in GUI_CONFIGS:
            for scenario in ["curves", "curves+tsne", "tsne-view+tsne"]:
                rows = [r for r in raw["gui"] if r["config"] == label and r["scenario"] == scenario]
                if not rows:
                    continue
                stalls = ", ".join(str(r["longest_stall_ms"]) for r in rows)
                out(f"| {label} | {scenario} | {median(rows, 'longest_stall_ms'):.0f} [{stalls}] | "
                    f"{median(rows, 'p99_gap_ms'):.0f} | {median(rows, 'loss_replots_per_s'):.1f} | "
                    f"{median(rows, 'images_per_s'):.0f} |")
        out("")

    if not args.skip_tsne:
        subprocess.run(["bash", os.path.join(ROOT, "bench", "tsne_compare.sh"), os.path.join(ROOT, "build")], check=True)
        with open(os.path.join(ROOT, "bench", "results", "tsne.md")) as f:
            out(f.read())

    text = "\n".join(lines) + "\n"
    print(text)
    with open(args.md_out, "w") as f:
        f.write(text)

if __name__ == "__main__":
    main()
