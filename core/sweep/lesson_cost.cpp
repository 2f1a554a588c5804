// estimated_cpu_seconds (api/lessons.h): what a sweep costs on this project's 2-core CPU, from the
// measured time of a step and of an evaluation. Torch-free: it reads configurations, not tensors.
#include <algorithm>
#include <cmath>

#include "api/datasets.h"
#include "api/lessons.h"

namespace moco {
namespace {

// The cost model, measured on the 2-core AMD EPYC VM (the default experiment's 3 600 steps in
// LESSONS.md, with malloc tuned: BENCHMARKS.md, "The host allocator"): small_cnn of width 32 on
// 28×28 grey images, batch 256, the queue mechanism, takes about 0.23 s a step, covering both
// views, the augmentation and the backward pass.
constexpr double kSecondsPerImage = 0.23 / 256;  // ≈ 0.9 ms per image of the batch
constexpr double kReferenceWidth = 32;           // small_cnn's width in that measurement
constexpr double kReferenceSide = 28;            // Fashion-MNIST's side
// End-to-end runs the backward pass through both views' encoder instead of one.
constexpr double kEndToEndFactor = 1.35;
// Not measured: the symmetric loss passes each view through both encoders, about twice the work.
constexpr double kSymmetricFactor = 2.0;
// ResNet-18 (CIFAR stem) against small_cnn of width 32 at the same image side.
constexpr double kResnet18Factor = 25;
// Evaluation at an arm's end with the random-encoder and raw-pixel floors: 20 s for a 10 000-image
// bank and 2 000 test images, growing linearly with the images it encodes and with the cost of
// their encoder (encoder_factor).
constexpr double kEvalSeconds = 20;
constexpr double kEvalImages = 10000 + 2000;

// Images of the splits as loaded (before data.train_limit / test_limit). Folders and IDX files
// are not looked at: they are taken as Fashion-MNIST-sized.
struct SplitSizes {
  int64_t train = 60000, test = 10000;  // Fashion-MNIST and MNIST
};

SplitSizes split_sizes(const DataConfig& d) {
  SplitSizes s;
  switch (d.dataset) {
    case DatasetName::Cifar10:
    case DatasetName::Cifar100:
      s.train = 50000;
      break;
    case DatasetName::Stl10:
      s.train = d.stl10_unlabeled ? 100000 : 5000;
      s.test = 8000;
      break;
    case DatasetName::Synthetic:
      s.train = d.synthetic_per_class * 10;  // ten shape classes, the test split a fifth of the train split
      s.test = s.train / 5;
      break;
    default:
      break;
  }
  if (d.train_limit > 0) s.train = std::min(s.train, d.train_limit);
  if (d.test_limit > 0) s.test = std::min(s.test, d.test_limit);
  return s;
}

// The side of the images the encoder sees.
double image_side(const Config& c) {
  if (c.augment.output_size > 0) return double(c.augment.output_size);
  if (c.data.image_size > 0) return double(c.data.image_size);
  switch (c.data.dataset) {
    case DatasetName::Cifar10:
    case DatasetName::Cifar100: return 32;
    case DatasetName::Stl10: return 96;
    case DatasetName::Synthetic: return double(c.data.synthetic_size);
    case DatasetName::Folder: return double(kDefaultFolderImageSize);
    default: return kReferenceSide;
  }
}

// An image's encoder cost relative to the measured small_cnn of width 32 on 28×28.
double encoder_factor(const Config& c) {
  const double side = image_side(c) / kReferenceSide;
  const double arch = c.model.encoder == EncoderArch::Resnet18Cifar
                          ? kResnet18Factor
                          : std::pow(double(c.model.width) / kReferenceWidth, 2);
  return arch * side * side;
}

// Steps an arm trains: the plan's, else its schedule's (run.total_steps, or epochs of the split).
int64_t arm_steps(const SweepPlan& plan, const Config& c, const SplitSizes& sizes) {
  if (plan.steps > 0) return plan.steps;
  if (c.run.total_steps > 0) return c.run.total_steps;
  const int64_t batch = std::max<int64_t>(1, c.optim.batch_size);
  return c.run.epochs * ((sizes.train + batch - 1) / batch);
}

}  // namespace

double estimated_cpu_seconds(const SweepPlan& plan) {
  double seconds = 0;
  for (const auto& arm : expand_sweep(plan)) {
    const Config& c = arm.config;
    const SplitSizes sizes = split_sizes(c.data);
    const int64_t steps = arm_steps(plan, c, sizes);
    double per_image = kSecondsPerImage * encoder_factor(c);
    if (c.moco.mechanism == Mechanism::EndToEnd) per_image *= kEndToEndFactor;
    else if (c.moco.symmetric && c.moco.mechanism == Mechanism::Queue) per_image *= kSymmetricFactor;
    seconds += double(steps) * double(c.optim.batch_size) * per_image;

    const int64_t bank = plan.eval_bank > 0 ? std::min(plan.eval_bank, sizes.train) : sizes.train;
    const int64_t test = plan.eval_test > 0 ? std::min(plan.eval_test, sizes.test) : sizes.test;
    const int64_t evaluations = plan.eval_every > 0 ? (steps + plan.eval_every - 1) / plan.eval_every : 1;
    seconds += double(evaluations) * kEvalSeconds * double(bank + test) / kEvalImages * encoder_factor(c);
  }
  return seconds;
}

}  // namespace moco
