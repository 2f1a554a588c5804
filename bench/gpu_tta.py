#!/usr/bin/env python3
"""Our time-to-accuracy, read from a moco-train run folder trained with --eval-every.

The clock counts what moco_reference.py --tta-budget counts on its side: the training steps
(metrics.jsonl's step_seconds, batch and augmentation included) and the kNN passes of the
evaluations (knn_seconds; the linear probe, health and consistency that moco-train adds are
left out). Targets: the run's raw-pixel floor (its floors line), 85 % and 90 %.

  gpu_tta.py summary RUN_DIR --budget S   one JSON object, the fields of moco_tta.py's
  gpu_tta.py done RUN_DIR --budget S      exit 0 once the budget is spent or every target passed
"""
import argparse
import json
import os
import sys

FIXED_TARGETS = (0.85, 0.90)


def read_run(folder):
    """Per-step seconds by step, the evaluations and the pixel floor of metrics.jsonl."""
    steps, evals, floor = {}, [], None
    path = os.path.join(folder, "metrics.jsonl")
    if not os.path.exists(path):
        return steps, evals, floor
    with open(path) as f:
        for line in f:
            try:
                row = json.loads(line)
            except ValueError:  # a line cut short by a kill
                continue
            if "floors" in row:
                floor = row["floors"].get("pixel_knn_top1")
            elif "eval" in row:
                evals.append((row["step"], row["eval"].get("knn_top1"), row["eval"].get("knn_seconds", 0.0)))
            elif "step_seconds" in row:
                steps[row["step"]] = row["step_seconds"]
    return steps, evals, floor


def summarise(folder, budget):
    steps, evals, floor = read_run(folder)
    targets = sorted({round(floor, 4), *FIXED_TARGETS}) if floor is not None else list(FIXED_TARGETS)
    ordered = sorted(steps.items())
    timeline, reached, eval_seconds, i, train_seconds = [], {}, 0.0, 0, 0.0
    for step, top1, knn_seconds in evals:
        while i < len(ordered) and ordered[i][0] <= step:
            train_seconds += ordered[i][1]
            i += 1
        eval_seconds += knn_seconds
        seconds = train_seconds + eval_seconds
        if seconds > budget:  # trained past the budget before the kill arrived: not counted
            break
        timeline.append({"step": step, "seconds": round(seconds, 3), "knn_top1": top1})
        for target in targets:
            if top1 is not None and top1 >= target and str(target) not in reached:
                reached[str(target)] = round(seconds, 3)
    # The steps trained within the budget, the evaluations before them counted too.
    counted, seconds, pending = 0, 0.0, sorted(evals)
    for step, step_seconds in ordered:
        while pending and pending[0][0] < step:
            seconds += pending.pop(0)[2]
        if seconds + step_seconds > budget:
            break
        seconds += step_seconds
        counted = step
    else:  # every step fitted: the evaluations after the last one count too
        seconds += sum(e[2] for e in pending)
    return {
        "implementation": "moco-workbench", "variant": "moco-train", "steps": counted,
        "seconds": round(min(seconds, budget), 3), "budget_seconds": budget, "pixel_floor_top1": floor,
        "targets": targets, "reached_seconds": reached, "evals": timeline,
        "best_knn_top1": max((e["knn_top1"] for e in timeline if e["knn_top1"] is not None), default=None),
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("command", choices=["summary", "done"])
    p.add_argument("run_dir")
    p.add_argument("--budget", type=float, required=True, help="seconds of training and kNN counted at most")
    args = p.parse_args(argv)
    result = summarise(args.run_dir, args.budget)
    if args.command == "summary":
        print(json.dumps(result))
        return 0
    steps, evals, _ = read_run(args.run_dir)
    spent = sum(steps.values()) + sum(e[2] for e in evals)
    return 0 if spent >= args.budget or len(result["reached_seconds"]) == len(result["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
