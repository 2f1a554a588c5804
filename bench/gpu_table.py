#!/usr/bin/env python3
"""Prints BENCHMARKS.md's GPU tables from scripts/gpu-bench.sh's results.jsonl.

One line per measurement: {"kind": "driver" | "throughput" | "tta", "status": "ok" | "error" |
"not measured", ...}. Throughput: images/s (both views) per side, median [raw runs], and the ratios
of our end-to-end median to the Python 'users' and 'tuned' medians; time-to-accuracy: seconds of
training and kNN until the whole test set's kNN passed each target. Whatever has no line, or no ok
line, reads "not measured": an empty results file gives the plan's table.

  gpu_table.py [RESULTS.jsonl] [--batches "256 512 1024"] [--precisions "fp32 bf16"]
"""
import argparse
import json
import statistics
import sys

COLUMNS = (("ours", "e2e", "ours end-to-end"), ("ours", "engine", "ours engine-only"),
           ("python", "users", "Python users"), ("python", "tuned", "Python tuned"))
NOT_MEASURED = "not measured"


def read(path):
    rows = []
    if path:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except ValueError as e:
                        print(f"{path}:{n}: not JSON ({e}); line skipped", file=sys.stderr)
    return rows


def number(x):
    return f"{x:,.0f}".replace(",", " ")


def throughput_table(rows, precision, batches):
    def runs(side, variant, batch):
        return [r["result"]["images_per_second"] for r in rows
                if r.get("kind") == "throughput" and r.get("status") == "ok" and r.get("side") == side
                and r.get("variant") == variant and r.get("batch") == batch and r.get("precision") == precision]

    def errors(side, variant, batch):
        return [r.get("message", "") for r in rows
                if r.get("kind") == "throughput" and r.get("status") == "error" and r.get("side") == side
                and r.get("variant") == variant and r.get("batch") == batch and r.get("precision") == precision]

    head = [c[2] for c in COLUMNS] + ["ours/users", "ours/tuned"]
    lines = [f"| batch | {' | '.join(head)} |", "|---" * (len(head) + 1) + "|"]
    for batch in batches:
        cells, medians = [], {}
        for side, variant, _ in COLUMNS:
            values = runs(side, variant, batch)
            if values:
                medians[variant] = statistics.median(values)
                raw = ", ".join(number(v) for v in values)
                cells.append(f"{number(medians[variant])} [{raw}]")
            else:
                failed = errors(side, variant, batch)
                cells.append(f"error: {failed[0][:80]}" if failed else NOT_MEASURED)
        for other in ("users", "tuned"):
            ok = "e2e" in medians and other in medians
            cells.append(f"{medians['e2e'] / medians[other]:.2f}×" if ok else NOT_MEASURED)
        lines.append(f"| {batch} | {' | '.join(cells)} |")
    return "\n".join(lines)


def tta_table(rows):
    lines = ["| side | raw-pixel floor | to the floor | to 85 % | to 90 % | best kNN (steps, seconds) |",
             "|---|---|---|---|---|---|"]
    for side, label in (("ours", "ours (moco-train)"), ("python", "Python reference")):
        found = [r for r in rows if r.get("kind") == "tta" and r.get("side") == side]
        ok = [r for r in found if r.get("status") == "ok"]
        if not ok:
            why = f"error: {found[-1].get('message', '')[:60]}" if found and found[-1].get("status") == "error" else NOT_MEASURED
            lines.append(f"| {label} | {why} | {NOT_MEASURED} | {NOT_MEASURED} | {NOT_MEASURED} | {NOT_MEASURED} |")
            continue
        r = ok[-1]["result"]
        floor = r.get("pixel_floor_top1")
        reached = r.get("reached_seconds", {})
        targets = r.get("targets", [])
        floor_key = next((t for t in targets if floor is not None and abs(t - floor) < 1e-3), None)

        def cell(target):
            if target is None:
                return NOT_MEASURED
            seconds = reached.get(str(target))
            return f"{seconds:.1f} s" if seconds is not None else f"not reached in {r.get('seconds', 0):.0f} s"

        best = r.get("best_knn_top1")
        best_cell = f"{100 * best:.2f} % ({r.get('steps')}, {r.get('seconds', 0):.0f} s)" if best is not None else "no evaluation"
        floor_cell = f"{100 * floor:.2f} %" if floor is not None else NOT_MEASURED
        lines.append(f"| {label} | {floor_cell} | {cell(floor_key)} | {cell(0.85)} | {cell(0.9)} | {best_cell} |")
    return "\n".join(lines)


def driver_line(rows):
    found = [r for r in rows if r.get("kind") == "driver"]
    if not found or found[-1].get("status") == NOT_MEASURED:
        return f"Session driver on CUDA: {NOT_MEASURED}."
    r = found[-1].get("result", {})
    phases = r.get("phases", [])
    failed = [f"{p['name']} ({p['detail'][:80]})" for p in phases if not p.get("ok")]
    if not phases:
        return f"Session driver on CUDA: did not run ({found[-1].get('message', '')[:120]})."
    verdict = f"all {len(phases)} phases ok" if not failed else "failed: " + "; ".join(failed)
    problems = r.get("events", [])
    events = f"; {len(problems)} warning/failure events" if problems else ""
    cuda = {True: "; the workbench would offer CUDA", False: "; LibTorch saw no CUDA GPU"}.get(r.get("cuda_available"), "")
    return f"Session driver on {r.get('device', '?')}: {verdict}, {r.get('steps', 0)} steps{events}{cuda}."


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("results", nargs="?", help="results.jsonl (none: the plan, every cell not measured)")
    p.add_argument("--batches", default="256 512 1024")
    p.add_argument("--precisions", default="fp32 bf16")
    args = p.parse_args(argv)
    rows = read(args.results)
    batches = [int(b) for b in args.batches.split()]
    out = [driver_line(rows), ""]
    for precision in args.precisions.split():
        out += [f"Throughput, {precision} (images/s, both views; median [runs]):", "", throughput_table(rows, precision, batches), ""]
    out += ["Time-to-accuracy (kNN on the whole test set; seconds of training and kNN):", "", tta_table(rows)]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
