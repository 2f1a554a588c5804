#!/usr/bin/python3
"""MoCo (v1/v2, paper Algorithm 1) in plain PyTorch: the throughput reference for moco-train.

The model mirrors our C++ engine (core/encoders.cpp, core/split_batchnorm.cpp, core/moco_model.cpp,
core/key_queue.cpp) so that images/s measure the implementation, not a different network. Three
variants differ only in how the two augmented views are produced:

  users   torchvision per-sample PIL transforms in a DataLoader with workers, the way people run
          the official facebookresearch/moco code;
  tuned   batched tensor augmentation on the training device, no DataLoader (what our engine does);
  engine  two fixed pre-augmented batches reused every step: the MoCo step alone.

With --tta-budget SECONDS it measures time-to-accuracy instead (moco_tta.py: kNN on the whole test set).

Debian's python3-torch is LibTorch 1.13, the same library our engine links, so run this with
/usr/bin/python3 (a pyenv or venv python3 earlier on PATH will not see it).
"""
import argparse
import copy
import functools
import gzip
import json
import math
import os
import random
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from PIL import Image, ImageFilter

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"  # Debian's dataset-fashion-mnist
IDX_IMAGES_MAGIC = 0x00000803  # IDX: unsigned bytes, 3 dimensions
IDX_LABELS_MAGIC = 0x00000801  # IDX: unsigned bytes, 1 dimension

# What v1 and v2 change besides the augmentation (He et al. 2019; Chen et al. 2020, Table 1).
PRESETS = {
    "v1": {"mlp": False, "tau": 0.07},
    "v2": {"mlp": True, "tau": 0.2},
}
FEATURE_DIM = 128
MOMENTUM = 0.99  # key encoder EMA; K = 4096 is small, so a faster-moving f_k (CIFAR demo value)
BN_SPLITS = 8  # split BN sub-batches, as the official CIFAR demo
BASE_LR = 0.03
CROP_SCALE = (0.2, 1.0)
CROP_RATIO = (3.0 / 4.0, 4.0 / 3.0)
BLUR_SIGMA = (0.1, 2.0)


# ---------------------------------------------------------------------------------------------
# Data

def load_idx_labels(path):
    """Reads a gzip IDX label file into an int64 array N."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: {len(data)} bytes, too short for an IDX header")
    magic, n = struct.unpack(">II", data[:8])
    if magic != IDX_LABELS_MAGIC or len(data) != 8 + n:
        raise ValueError(f"{path}: magic {magic:#010x} and {len(data)} bytes; expected {IDX_LABELS_MAGIC:#010x} and {8 + n}")
    return np.frombuffer(data, dtype=np.uint8, offset=8).astype(np.int64)


def load_idx_images(path):
    """Reads a gzip IDX image file into a uint8 array N x 1 x H x W."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 16:
        raise ValueError(f"{path}: {len(data)} bytes, too short for an IDX header")
    magic, n, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != IDX_IMAGES_MAGIC:
        raise ValueError(f"{path}: magic {magic:#010x}, expected {IDX_IMAGES_MAGIC:#010x} (IDX images)")
    expected = 16 + n * rows * cols
    if len(data) != expected:
        raise ValueError(f"{path}: {len(data)} bytes, header promises {expected}")
    # A writable copy: torch.from_numpy warns about (and must not write to) a read-only buffer.
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, 1, rows, cols).copy()


def pixel_mean_std(images):
    """Mean and std of the [0, 1]-scaled pixels, from a histogram: exact, and no float copy of
    the whole set (which would add ~380 MB to the peak RSS we report)."""
    counts = np.bincount(images.ravel(), minlength=256).astype(np.float64)
    values = np.arange(256, dtype=np.float64) / 255.0
    total = counts.sum()
    mean = (counts * values).sum() / total
    var = (counts * values ** 2).sum() / total - mean ** 2
    return float(mean), float(math.sqrt(var))


class FashionMnistPil(torch.utils.data.Dataset):
    """The uint8 array as PIL 'L' images, each passed through `transform` (the 'users' path)."""

    def __init__(self, images, transform):
        self.images = images
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        return self.transform(Image.fromarray(self.images[index, 0], mode="L")), index


class PilGaussianBlur:
    """Blur with sigma ~ U[0.1, 2.0], as moco/loader.py (PIL's radius is the Gaussian's sigma)."""

    def __init__(self, sigma=BLUR_SIGMA):
        self.sigma = sigma

    def __call__(self, image):
        return image.filter(ImageFilter.GaussianBlur(radius=random.uniform(*self.sigma)))


class TwoCropsTransform:
    """Two independent draws of the same pipeline: query and key views (moco/loader.py)."""

    def __init__(self, transform):
        self.transform = transform

    def __call__(self, image):
        return [self.transform(image), self.transform(image)]


def pil_augmentation(preset, size, mean, std):
    """The official main_moco.py pipelines, sized for our images."""
    T = torchvision.transforms
    if preset == "v2":  # "aug+"
        steps = [
            T.RandomResizedCrop(size, scale=CROP_SCALE),
            T.RandomApply([T.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8),
            T.RandomGrayscale(p=0.2),
            T.RandomApply([PilGaussianBlur()], p=0.5),
        ]
    else:
        steps = [
            T.RandomResizedCrop(size, scale=CROP_SCALE),
            T.RandomGrayscale(p=0.2),
            T.ColorJitter(0.4, 0.4, 0.4, 0.4),
        ]
    steps += [T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize([mean], [std])]
    return T.Compose(steps)


class TensorAugment:
    """Batched augmentation on the training device, the same operations as core/augment.cpp.

    One-channel images only: grayscale, saturation and hue are identities on them, so only the
    crop, flip, brightness, contrast and blur do any work.
    """

    def __init__(self, preset, size, mean, std):
        self.size = size
        self.mean, self.std = mean, std
        self.jitter_p = 0.8 if preset == "v2" else 1.0
        self.blur_p = 0.5 if preset == "v2" else 0.0

    def __call__(self, images):
        x = self.crop_and_flip(images)
        x = self.color_jitter(x)
        x = self.gaussian_blur(x)
        return (x - self.mean) / self.std

    def crop_boxes(self, n, height, width, device, attempts=10):
        """torchvision RandomResizedCrop.get_params for n samples at once: x, y, w, h tensors."""
        area = height * width
        target = torch.empty(n, attempts, device=device).uniform_(*CROP_SCALE) * area
        log_ratio = torch.empty(n, attempts, device=device).uniform_(*map(math.log, CROP_RATIO))
        aspect = log_ratio.exp()
        w = (target * aspect).sqrt().round()
        h = (target / aspect).sqrt().round()
        valid = (w > 0) & (w <= width) & (h > 0) & (h <= height)
        first = valid.int().argmax(1, keepdim=True)  # first valid attempt (0 if none)
        w, h = w.gather(1, first).squeeze(1), h.gather(1, first).squeeze(1)
        # Whole-pixel offsets uniform in [0, W - w], like torch.randint.
        x = (torch.rand(n, device=device) * (width - w + 1)).floor()
        y = (torch.rand(n, device=device) * (height - h + 1)).floor()
        # After 10 misses torchvision takes the central crop with the ratio clamped into range.
        fw, fh = float(width), float(height)
        if width / height < CROP_RATIO[0]:
            fh = round(fw / CROP_RATIO[0])
        elif width / height > CROP_RATIO[1]:
            fw = round(fh * CROP_RATIO[1])
        ok = valid.any(1)
        x = torch.where(ok, x, torch.full_like(x, (width - fw) // 2))
        y = torch.where(ok, y, torch.full_like(y, (height - fh) // 2))
        w = torch.where(ok, w, torch.full_like(w, fw))
        h = torch.where(ok, h, torch.full_like(h, fh))
        return x, y, w, h

    def crop_and_flip(self, images):
        """Crop, resize and flip in one bilinear resample: the flip is a sign in the affine."""
        n, c, height, width = images.shape
        x = images.float().div_(255.0)
        bx, by, bw, bh = self.crop_boxes(n, height, width, images.device)
        sign = 1.0 - 2.0 * (torch.rand(n, device=images.device) < 0.5).float()
        # theta maps output coordinates to input ones; with align_corners=False [-1, 1] spans the
        # outer pixel edges, so a box [bx, bx + bw] becomes scale bw/W about centre (2bx+bw)/W - 1.
        zero = torch.zeros_like(bw)
        theta = torch.stack([
            torch.stack([bw / width * sign, zero, (2 * bx + bw) / width - 1], 1),
            torch.stack([zero, bh / height, (2 * by + bh) / height - 1], 1),
        ], 1)
        grid = F.affine_grid(theta, [n, c, self.size, self.size], align_corners=False)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)

    def color_jitter(self, x):
        """Brightness and contrast (0.4 each) in a random order per sample, with p jitter_p."""
        n = x.shape[0]
        device = x.device

        def factors():
            return torch.empty(n, 1, 1, 1, device=device).uniform_(0.6, 1.4)

        brightness, contrast = factors(), factors()

        def adjust_brightness(img):
            return (img * brightness).clamp(0, 1)

        def adjust_contrast(img):  # blend with the image's mean grey level
            mean = img.mean((1, 2, 3), keepdim=True)
            return (contrast * img + (1 - contrast) * mean).clamp(0, 1)

        # Of ColorJitter's four operations only these two act on grey images, so the random
        # permutation reduces to "brightness first or not". Computing both orders for the whole
        # batch and selecting is cheaper than gathering sub-batches on 28 x 28 images.
        brightness_first = (torch.rand(n, 1, 1, 1, device=device) < 0.5)
        jittered = torch.where(brightness_first,
                               adjust_contrast(adjust_brightness(x)),
                               adjust_brightness(adjust_contrast(x)))
        apply = torch.rand(n, 1, 1, 1, device=device) < self.jitter_p
        return torch.where(apply, jittered, x)

    def gaussian_blur(self, x):
        """Per-sample sigma blur on a random half of the batch: separable grouped convolution."""
        if self.blur_p == 0:
            return x
        n, c, h, w = x.shape
        rows = (torch.rand(n, device=x.device) < self.blur_p).nonzero().squeeze(1)
        if rows.numel() == 0:
            return x
        # +-3 sigma_max, kept below the image size so reflect padding is valid.
        radius = max(1, min(math.ceil(3 * BLUR_SIGMA[1]), h - 1, w - 1))
        offsets = torch.arange(-radius, radius + 1, dtype=torch.float32, device=x.device)
        sigma = torch.empty(rows.numel(), 1, device=x.device).uniform_(*BLUR_SIGMA)
        kernel = torch.exp(-offsets.pow(2) / (2 * sigma.pow(2)))
        kernel = (kernel / kernel.sum(1, keepdim=True)).repeat_interleave(c, 0)  # (rows*c) x k
        groups = rows.numel() * c
        flat = x.index_select(0, rows).reshape(1, groups, h, w)
        flat = F.pad(flat, [radius] * 4, mode="reflect")
        flat = F.conv2d(flat, kernel.view(groups, 1, 1, -1), groups=groups)
        flat = F.conv2d(flat, kernel.view(groups, 1, -1, 1), groups=groups)
        return x.index_copy(0, rows, flat.view(-1, c, h, w))


# ---------------------------------------------------------------------------------------------
# Model

class SplitBatchNorm2d(nn.BatchNorm2d):
    """BatchNorm with statistics per sub-batch, verbatim from the official MoCo CIFAR demo.

    Folding the batch into the channel axis gives every (split, channel) pair its own statistics;
    on one device this stands in for the multi-GPU shuffle BN of the paper.
    """

    def __init__(self, num_features, num_splits, **kw):
        super().__init__(num_features, **kw)
        self.num_splits = num_splits

    def forward(self, input):
        N, C, H, W = input.shape
        if self.training or not self.track_running_stats:
            running_mean_split = self.running_mean.repeat(self.num_splits)
            running_var_split = self.running_var.repeat(self.num_splits)
            # reshape, not view: a channels-last input is not contiguous in NCHW order.
            outcome = F.batch_norm(
                input.reshape(-1, C * self.num_splits, H, W), running_mean_split, running_var_split,
                self.weight.repeat(self.num_splits), self.bias.repeat(self.num_splits),
                True, self.momentum, self.eps).reshape(N, C, H, W)
            self.running_mean.data.copy_(running_mean_split.view(self.num_splits, C).mean(dim=0))
            self.running_var.data.copy_(running_var_split.view(self.num_splits, C).mean(dim=0))
            return outcome
        return F.batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                            False, self.momentum, self.eps)


def small_cnn_features(in_channels, width=32):
    """Four conv-BN-ReLU blocks, channels w..8w, strides 1,2,2,2 (core/encoders.cpp SmallCnn)."""
    layers, c_in = [], in_channels
    for mult, stride in ((1, 1), (2, 2), (4, 2), (8, 2)):
        c_out = width * mult
        layers += [nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False),
                   SplitBatchNorm2d(c_out, BN_SPLITS),
                   nn.ReLU(inplace=True)]
        c_in = c_out
    return nn.Sequential(*layers), c_in


def resnet18_cifar_features(in_channels):
    """torchvision ResNet-18 in its CIFAR form: 3x3 stride-1 stem, no max-pool, split BN."""
    net = torchvision.models.resnet18(norm_layer=functools.partial(SplitBatchNorm2d, num_splits=BN_SPLITS))
    net.conv1 = nn.Conv2d(in_channels, 64, 3, stride=1, padding=1, bias=False)
    # Dropping maxpool, avgpool and fc here is the same as setting maxpool to Identity.
    return nn.Sequential(net.conv1, net.bn1, net.relu, net.layer1, net.layer2, net.layer3, net.layer4), 512


class Encoder(nn.Module):
    """features -> global average pool -> fc head (linear for v1, MLP for v2)."""

    def __init__(self, name, in_channels, mlp):
        super().__init__()
        if name == "small_cnn":
            self.features, size = small_cnn_features(in_channels)
        else:
            self.features, size = resnet18_cifar_features(in_channels)
        if mlp:
            self.fc = nn.Sequential(nn.Linear(size, size), nn.ReLU(), nn.Linear(size, FEATURE_DIM))
        else:
            self.fc = nn.Linear(size, FEATURE_DIM)

    def forward(self, x):
        return self.fc(self.features(x).mean((2, 3)))


class MoCo(nn.Module):
    def __init__(self, encoder_name, in_channels, mlp, queue_size, tau, amp_dtype=None, channels_last=False):
        super().__init__()
        self.tau = tau
        # Autocast of the encoders' forward passes (None: fp32), as run.precision; the encoders'
        # outputs go back to float, so logits, loss and queue stay fp32 as in the C++ engine.
        self.amp_dtype = amp_dtype
        self.channels_last = channels_last
        self.encoder_q = Encoder(encoder_name, in_channels, mlp)
        self.encoder_k = copy.deepcopy(self.encoder_q)  # f_k starts as a copy of f_q
        for p in self.encoder_k.parameters():
            p.requires_grad = False
        self.register_buffer("queue", F.normalize(torch.randn(FEATURE_DIM, queue_size), dim=0))
        self.queue_ptr = 0

    @torch.no_grad()
    def momentum_update(self):
        for p_q, p_k in zip(self.encoder_q.parameters(), self.encoder_k.parameters()):
            p_k.mul_(MOMENTUM).add_(p_q, alpha=1.0 - MOMENTUM)

    def encode(self, encoder, x):
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        with torch.autocast(x.device.type, dtype=self.amp_dtype or torch.float32, enabled=self.amp_dtype is not None):
            return encoder(x).float()

    @torch.no_grad()
    def encode_keys(self, x_k):
        # Shuffling across the BN splits keeps a sample's key and query out of the same BN group.
        shuffle = torch.randperm(x_k.shape[0], device=x_k.device)
        unshuffle = shuffle.argsort()
        k = F.normalize(self.encode(self.encoder_k, x_k.index_select(0, shuffle)), dim=1)
        return k.index_select(0, unshuffle)

    def forward(self, x_q, x_k):
        """InfoNCE loss of a batch and its keys (enqueue them after the backward pass)."""
        q = F.normalize(self.encode(self.encoder_q, x_q), dim=1)
        self.momentum_update()
        k = self.encode_keys(x_k)
        positive = (q * k).sum(1, keepdim=True)
        negative = q @ self.queue  # the official code clones the queue as it enqueues in forward
        logits = torch.cat([positive, negative], 1) / self.tau
        labels = torch.zeros(logits.shape[0], dtype=torch.long, device=logits.device)
        return F.cross_entropy(logits, labels), k

    @torch.no_grad()
    def enqueue(self, keys):
        # Ring buffer; a batch that does not fit before the end is truncated, as core/key_queue.cpp.
        size = self.queue.shape[1]
        n = min(keys.shape[0], size - self.queue_ptr)
        self.queue[:, self.queue_ptr:self.queue_ptr + n] = keys[:n].t()
        self.queue_ptr = (self.queue_ptr + n) % size


# ---------------------------------------------------------------------------------------------
# Batches of (x_q, x_k) per variant

def users_batches(images, args, mean, std):
    """An endless iterator over a DataLoader, and a function that stops its worker processes."""
    transform = TwoCropsTransform(pil_augmentation(args.preset, args.image_size, mean, std))
    loader = torch.utils.data.DataLoader(
        FashionMnistPil(images, transform), batch_size=args.batch, shuffle=True,
        num_workers=args.workers, pin_memory=args.device == "cuda", drop_last=True,
        persistent_workers=args.workers > 0)
    state = {"it": iter(loader)}

    def generate():
        while True:
            try:
                (x_q, x_k), _ = next(state["it"])
            except StopIteration:  # next epoch; persistent workers are reused
                state["it"] = iter(loader)
                continue
            yield (x_q.to(args.device, non_blocking=True), x_k.to(args.device, non_blocking=True))

    def stop_workers():
        # A private method, but the one DataLoader itself calls; joining the workers makes the
        # kernel fold their peak RSS into RUSAGE_CHILDREN. Absent when --workers 0.
        shutdown = getattr(state["it"], "_shutdown_workers", None)
        if shutdown is not None:
            shutdown()

    return generate(), stop_workers


def tuned_batches(images, args, mean, std):
    data = torch.from_numpy(images).to(args.device)  # 47 MB of uint8: the whole set stays resident
    augment = TensorAugment(args.preset, args.image_size, mean, std)
    steps_per_epoch = len(data) // args.batch
    while True:
        order = torch.randperm(len(data), device=args.device)
        for i in range(steps_per_epoch):
            batch = data.index_select(0, order[i * args.batch:(i + 1) * args.batch])
            yield augment(batch), augment(batch)


def engine_batches(images, args, mean, std):
    x_q, x_k = next(tuned_batches(images, args, mean, std))
    while True:
        yield x_q, x_k


# ---------------------------------------------------------------------------------------------
# Main

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--variant", choices=["users", "tuned", "engine"], default="tuned")
    p.add_argument("--preset", choices=sorted(PRESETS), default="v2")
    p.add_argument("--encoder", choices=["small_cnn", "resnet18_cifar"], default="small_cnn")
    p.add_argument("--steps", type=int, default=50, help="timed steps")
    p.add_argument("--warmup", type=int, default=5, help="untimed steps before the timer starts")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--queue", type=int, default=4096, help="queue size K")
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="torch.set_num_threads")
    p.add_argument("--workers", type=int, default=2, help="DataLoader workers ('users' only)")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--precision", choices=["fp32", "bf16", "fp16"], default="fp32",
                   help="autocast of the encoders (fp16: CUDA only, with a GradScaler), as run.precision")
    p.add_argument("--channels-last", action="store_true",
                   help="weights and views in channels-last memory (CUDA), as run.channels_last")
    p.add_argument("--image-size", type=int, default=0,
                   help="side of the augmented views (default 28 for small_cnn, 32 for resnet18_cifar)")
    p.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json-out", help="also write the result JSON to this file")
    args = p.parse_args(argv)
    if args.image_size <= 0:
        args.image_size = 28 if args.encoder == "small_cnn" else 32
    problems = []
    if args.steps < 1:
        problems.append(f"--steps {args.steps}: need at least 1")
    if args.warmup < 0:
        problems.append(f"--warmup {args.warmup}: cannot be negative")
    if args.batch < 1 or args.batch % BN_SPLITS:
        problems.append(f"--batch {args.batch}: must be a positive multiple of the {BN_SPLITS} BN splits")
    if args.queue < 1:
        problems.append(f"--queue {args.queue}: need at least 1")
    if args.threads < 1:
        problems.append(f"--threads {args.threads}: need at least 1")
    if args.precision == "fp16" and args.device != "cuda":
        problems.append("--precision fp16: needs --device cuda (CPU autocast supports bf16 only)")
    if args.device == "cuda" and not torch.cuda.is_available():
        problems.append("--device cuda: this torch has no usable CUDA (Debian's python3-torch is CPU-only)")
    if problems:
        p.error("; ".join(problems))
    return args


def sync(device):
    if device == "cuda":
        torch.cuda.synchronize()


VIEW_OPERATORS = {"aten::select", "aten::view", "aten::narrow", "aten::slice", "aten::as_strided", "aten::expand",
                  "aten::unsqueeze", "aten::squeeze", "aten::permute", "aten::transpose", "aten::t", "aten::alias",
                  "aten::detach", "aten::resolve_conj", "aten::resolve_neg", "aten::reshape", "aten::view_as",
                  "aten::expand_as"}


def main(argv=None):
    if any(a.startswith("--tta-budget") for a in (sys.argv[1:] if argv is None else argv)):
        import moco_tta  # time-to-accuracy: trains this model and times kNN targets (moco_tta.py)
        return moco_tta.main(argv)
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.device == "cuda":
        torch.backends.cudnn.benchmark = True  # as the official main_moco.py; fixed input shapes
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)

    images = load_idx_images(os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"))
    mean, std = pixel_mean_std(images)

    preset = PRESETS[args.preset]
    amp_dtype = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}[args.precision]
    model = MoCo(args.encoder, images.shape[1], preset["mlp"], args.queue, preset["tau"], amp_dtype,
                 args.channels_last).to(args.device)
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
    model.train()
    # fp16 only: dynamic loss scaling (bf16 has fp32's range).
    scaler = torch.cuda.amp.GradScaler(enabled=args.precision == "fp16")
    optimizer = torch.optim.SGD(model.encoder_q.parameters(), lr=BASE_LR, momentum=0.9, weight_decay=5e-4)

    stop_workers = None
    if args.variant == "users":
        batches, stop_workers = users_batches(images, args, mean, std)
    elif args.variant == "tuned":
        batches = tuned_batches(images, args, mean, std)
    else:
        batches = engine_batches(images, args, mean, std)

    total_steps = args.warmup + args.steps
    losses = []
    start = None
    for step in range(total_steps):
        if step == args.warmup:
            sync(args.device)
            start = time.perf_counter()
        x_q, x_k = next(batches)
        lr = BASE_LR * 0.5 * (1.0 + math.cos(math.pi * step / total_steps))  # cosine, per iteration
        for group in optimizer.param_groups:
            group["lr"] = lr
        loss, keys = model(x_q, x_k)
        optimizer.zero_grad()
        scaler.scale(loss).backward()
        scaler.step(optimizer)  # skips the step on inf/NaN gradients (fp16); plain step otherwise
        scaler.update()
        model.enqueue(keys)
        # Kept on the device and read after the run: no host synchronisation per step, as the C++
        # trainer's deferred metrics on a GPU.
        losses.append(loss.detach())
    sync(args.device)
    losses = torch.stack(losses).double().tolist()
    seconds = time.perf_counter() - start

    # Operators called per augmented view (one more batch, outside the timing; top level, views
    # excluded, as train_bench counts them): about the kernel launches on a GPU.
    ops_per_view = -1
    if args.variant == "tuned":
        augment = TensorAugment(args.preset, args.image_size, mean, std)
        batch = torch.from_numpy(images[:args.batch]).to(args.device)
        with torch.autograd.profiler.profile() as prof:
            augment(batch)
        ops_per_view = sum(1 for e in prof.function_events if e.cpu_parent is None and e.name not in VIEW_OPERATORS)

    if stop_workers is not None:
        stop_workers()
    kib = 1024.0  # ru_maxrss is in KiB on Linux
    last = losses[-10:]
    result = {
        "variant": args.variant,
        "preset": args.preset,
        "encoder": args.encoder,
        "device": args.device,
        "steps": args.steps,
        "warmup": args.warmup,
        "batch": args.batch,
        "K": args.queue,
        "image_size": args.image_size,
        "threads": args.threads,
        "workers": args.workers if args.variant == "users" else 0,
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
        "seconds": round(seconds, 4),
        "images_per_second": round(2 * args.batch * args.steps / seconds, 1),  # both views
        "seconds_per_1000_steps": round(1000.0 * seconds / args.steps, 2),
        "peak_rss_self_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kib, 1),
        # The largest single child (the kernel keeps a maximum, not a sum); 0 without workers.
        "peak_rss_children_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kib, 1),
        "loss_last10_mean": sum(last) / len(last),
        "chance_loss": math.log(args.queue + 1),
        "aten_ops_per_view": ops_per_view,
        "precision": args.precision,
        "channels_last": args.channels_last,
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.json_out:
        with open(args.json_out, "w") as f:
            f.write(text + "\n")
    if not math.isfinite(result["loss_last10_mean"]):
        print(f"loss became {result['loss_last10_mean']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
