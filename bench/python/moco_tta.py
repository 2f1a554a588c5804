#!/usr/bin/python3
"""Time-to-accuracy of the Python MoCo reference (moco_reference.py --tta-budget SECONDS).

Trains the reference's model ('users' or 'tuned' batches) with a cosine lr over --tta-schedule
steps and, every --tta-every steps, classifies the whole test set by kNN on the backbone's pooled
features against the whole training set, exactly as our kNN monitor does (core/eval/knn.cpp: k 200,
t 0.1, weights exp(sim / t)). The clock counts the training steps (batch loading included) and these
evaluations, nothing else, as bench/gpu_tta.py counts our run. It stops when the budget is spent,
the schedule ends or the highest target is reached, and prints one JSON object: the raw-pixel floor,
each evaluation and the seconds at which each target (the floor, 85 %, 90 %) was first passed.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

import moco_reference as ref

KNN_K = 200  # neighbours that vote (the official CIFAR demo's monitor, as ours)
KNN_T = 0.1  # vote weight exp(sim / t)
QUERY_CHUNK = 1024  # bounds the similarity matrix held at once, as core/eval/knn.cpp
FEATURE_BATCH = 1024
FIXED_TARGETS = (0.85, 0.90)


def prepare(images, size, mean, std):
    """As our Augmenter::prepare: [0, 1], bilinear resize to the views' size, normalised."""
    x = images.float().div(255.0)
    if x.shape[-1] != size or x.shape[-2] != size:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    return (x - mean) / std


@torch.no_grad()
def backbone_features(encoder, images, size, mean, std):
    was_training = encoder.training
    encoder.eval()
    out = [F.normalize(encoder.features(prepare(images[i:i + FEATURE_BATCH], size, mean, std)).mean((2, 3)), dim=1)
           for i in range(0, len(images), FEATURE_BATCH)]
    encoder.train(was_training)
    return torch.cat(out)


@torch.no_grad()
def knn_top1(bank, bank_labels, queries, query_labels, classes):
    correct = 0
    for s in range(0, len(queries), QUERY_CHUNK):
        sim = queries[s:s + QUERY_CHUNK] @ bank.t()
        top_sim, top_idx = sim.topk(min(KNN_K, len(bank)), dim=1)
        weights = (top_sim / KNN_T).exp()
        scores = torch.zeros(sim.shape[0], classes, device=sim.device).scatter_add_(1, bank_labels[top_idx], weights)
        correct += int((scores.argmax(1) == query_labels[s:s + QUERY_CHUNK]).sum())
    return correct / len(queries)


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], add_help=False)
    p.add_argument("--tta-budget", type=float, required=True, help="seconds of training and evaluation at most")
    p.add_argument("--tta-every", type=int, default=200, help="training steps between kNN evaluations")
    p.add_argument("--tta-schedule", type=int, default=2000, help="steps of the cosine lr schedule")
    tta, rest = p.parse_known_args(argv)
    args = ref.parse_args(rest)  # every other option is the reference's own
    problems = []
    if tta.tta_budget <= 0:
        problems.append(f"--tta-budget {tta.tta_budget}: must be positive")
    if tta.tta_every < 1 or tta.tta_schedule < 1:
        problems.append(f"--tta-every {tta.tta_every} / --tta-schedule {tta.tta_schedule}: must be at least 1")
    if getattr(args, "precision", "fp32") != "fp32" or getattr(args, "channels_last", False):
        problems.append("time-to-accuracy trains in fp32 with the default memory layout only")
    if args.variant == "engine":
        problems.append("--variant engine reuses two fixed batches: it cannot learn, so it has no time-to-accuracy")
    if problems:
        p.error("; ".join(problems))
    return tta, args


def main(argv=None):
    tta, args = parse(sys.argv[1:] if argv is None else argv)
    torch.set_num_threads(args.threads)
    if args.device == "cuda":
        torch.backends.cudnn.benchmark = True
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    device = args.device

    images = ref.load_idx_images(os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"))
    test_images = ref.load_idx_images(os.path.join(args.data_dir, "t10k-images-idx3-ubyte.gz"))
    labels = torch.from_numpy(ref.load_idx_labels(os.path.join(args.data_dir, "train-labels-idx1-ubyte.gz"))).to(device)
    test_labels = torch.from_numpy(ref.load_idx_labels(os.path.join(args.data_dir, "t10k-labels-idx1-ubyte.gz"))).to(device)
    classes = int(labels.max()) + 1
    mean, std = ref.pixel_mean_std(images)
    bank_u8 = torch.from_numpy(images).to(device)
    test_u8 = torch.from_numpy(test_images).to(device)

    def pixels(u8):  # the raw-pixel floor's features, as core/eval/knn.cpp pixel_features
        return F.normalize(prepare(u8, args.image_size, mean, std).flatten(1), dim=1)

    floor = knn_top1(pixels(bank_u8), labels, pixels(test_u8), test_labels, classes)
    targets = sorted({round(floor, 4), *FIXED_TARGETS})

    preset = ref.PRESETS[args.preset]
    model = ref.MoCo(args.encoder, images.shape[1], preset["mlp"], args.queue, preset["tau"]).to(device)
    model.train()
    optimizer = torch.optim.SGD(model.encoder_q.parameters(), lr=ref.BASE_LR, momentum=0.9, weight_decay=5e-4)
    stop_workers = None
    if args.variant == "users":
        batches, stop_workers = ref.users_batches(images, args, mean, std)
    else:
        batches = ref.tuned_batches(images, args, mean, std)

    elapsed, step, evals, reached = 0.0, 0, [], {}
    while elapsed < tta.tta_budget and step < tta.tta_schedule and len(reached) < len(targets):
        start = time.perf_counter()
        x_q, x_k = next(batches)
        lr = ref.BASE_LR * 0.5 * (1.0 + math.cos(math.pi * step / tta.tta_schedule))  # as the reference's
        for group in optimizer.param_groups:
            group["lr"] = lr
        loss, keys = model(x_q, x_k)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        model.enqueue(keys)
        if not math.isfinite(loss.item()):  # .item() also waits for the step, so the clock is honest
            print(f"loss became {loss.item()} at step {step}", file=sys.stderr)
            return 1
        elapsed += time.perf_counter() - start
        step += 1
        if step % tta.tta_every == 0:
            start = time.perf_counter()
            top1 = knn_top1(backbone_features(model.encoder_q, bank_u8, args.image_size, mean, std), labels,
                            backbone_features(model.encoder_q, test_u8, args.image_size, mean, std), test_labels, classes)
            elapsed += time.perf_counter() - start
            evals.append({"step": step, "seconds": round(elapsed, 3), "knn_top1": top1})
            for target in targets:
                if top1 >= target and str(target) not in reached:
                    reached[str(target)] = round(elapsed, 3)
    if stop_workers is not None:
        stop_workers()

    result = {
        "implementation": "python-reference", "variant": args.variant, "encoder": args.encoder, "device": device,
        "batch": args.batch, "K": args.queue, "image_size": args.image_size, "schedule_steps": tta.tta_schedule,
        "eval_every": tta.tta_every, "budget_seconds": tta.tta_budget, "steps": step, "seconds": round(elapsed, 3),
        "pixel_floor_top1": floor, "targets": targets, "reached_seconds": reached, "evals": evals,
        "best_knn_top1": max((e["knn_top1"] for e in evals), default=None), "torch_version": torch.__version__,
    }
    print(json.dumps(result))
    if args.json_out:
        with open(args.json_out, "w") as f:
            f.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
