#!/usr/bin/python3
"""Golden tensors for the colour augmentation test (tests/tst_augment.cpp, colourMatchesTorchvision).

Applies torchvision's functional operations (adjust_brightness/contrast/saturation/hue,
rgb_to_grayscale, gaussian_blur) to a small seeded RGB batch with fixed parameters and saves the
inputs, the parameters and the outputs with torch.save, which LibTorch's torch::pickle_load reads.
Run once with Debian's interpreter (python3-torchvision); the output is kept under tests/data so
CI needs no Python:

    bench/python/make_colour_goldens.py tests/data/colour_goldens.pt
"""
import sys

import torch
import torchvision
import torchvision.transforms.functional as F

SIDE = 10          # big enough for the blur kernel below (reflect padding needs pad < side)
SIGMA_MAX = 2.0    # the C++ kernel radius is min(ceil(3 * sigma_max), side - 1) = 6
RADIUS = 6

BRIGHTNESS, CONTRAST, SATURATION, HUE = 0, 1, 2, 3  # the C++ JitterOp order


def jitter(img, factors, order):
    ops = {
        BRIGHTNESS: lambda x: F.adjust_brightness(x, factors[BRIGHTNESS]),
        CONTRAST: lambda x: F.adjust_contrast(x, factors[CONTRAST]),
        SATURATION: lambda x: F.adjust_saturation(x, factors[SATURATION]),
        HUE: lambda x: F.adjust_hue(x, factors[HUE]),
    }
    for op in order:
        img = ops[op](img)
    return img


def main(out_path):
    generator = torch.Generator().manual_seed(2020)
    images = torch.randint(0, 256, (3, 3, SIDE, SIDE), generator=generator, dtype=torch.uint8)
    images[2, :, :5] = 0  # a saturated corner case: pure black and pure white regions, and greys
    images[2, :, 5:, :5] = 255
    images[2, :, 5:, 5:] = images[2, 0, 5:, 5:]
    x = images.float() / 255
    # Each case: jitter factors (brightness, contrast, saturation, hue shift), the order the four
    # operations run in, whether grayscale follows, and the blur sigma (0 = none).
    cases = [
        ([1.4, 1.0, 1.0, 0.0], [0, 1, 2, 3], False, 0.0),
        ([0.6, 1.0, 1.0, 0.0], [0, 1, 2, 3], False, 0.0),
        ([1.0, 1.4, 1.0, 0.0], [1, 0, 2, 3], False, 0.0),
        ([1.0, 0.6, 1.0, 0.0], [1, 0, 2, 3], False, 0.0),
        ([1.0, 1.0, 1.4, 0.0], [2, 0, 1, 3], False, 0.0),
        ([1.0, 1.0, 0.0, 0.0], [2, 0, 1, 3], False, 0.0),
        ([1.0, 1.0, 1.0, 0.1], [3, 0, 1, 2], False, 0.0),
        ([1.0, 1.0, 1.0, -0.1], [3, 0, 1, 2], False, 0.0),
        ([1.0, 1.0, 1.0, 0.5], [3, 0, 1, 2], False, 0.0),
        ([1.3, 0.7, 1.2, 0.08], [3, 1, 0, 2], False, 0.0),   # the v2 jitter in a random order
        ([0.8, 1.3, 0.6, -0.05], [2, 3, 1, 0], False, 0.0),
        ([1.0, 1.0, 1.0, 0.0], [0, 1, 2, 3], True, 0.0),     # grayscale
        ([1.0, 1.0, 1.0, 0.0], [0, 1, 2, 3], False, 0.5),    # blur
        ([1.0, 1.0, 1.0, 0.0], [0, 1, 2, 3], False, 1.7),
        ([1.2, 0.8, 1.3, 0.1], [1, 3, 2, 0], True, 1.1),     # everything, as one view of v2
    ]
    factors, orders, grays, sigmas, outputs = [], [], [], [], []
    for f, order, gray, sigma in cases:
        y = jitter(x, f, order)
        if gray:
            y = F.rgb_to_grayscale(y, num_output_channels=3)
        if sigma > 0:
            y = F.gaussian_blur(y, [2 * RADIUS + 1] * 2, [sigma, sigma])
        factors.append(f)
        orders.append(order)
        grays.append(gray)
        sigmas.append(sigma)
        outputs.append(y)
    torch.save({
        "images": images,
        "factors": torch.tensor(factors, dtype=torch.float32),
        "orders": torch.tensor(orders, dtype=torch.int64),
        "grayscale": torch.tensor(grays),
        "sigma": torch.tensor(sigmas, dtype=torch.float32),
        "sigma_max": torch.tensor(SIGMA_MAX),
        "outputs": torch.stack(outputs),  # cases x images x 3 x SIDE x SIDE
    }, out_path)
    print(f"{out_path}: {len(cases)} cases on {images.shape[0]} images, torchvision {torchvision.__version__}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/colour_goldens.pt")
