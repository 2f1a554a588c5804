#include "api/config.h"

#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace moco {

bool fashion_mnist_installed() {
  return std::filesystem::exists(std::filesystem::path(kFashionMnistDir) / "train-images-idx3-ubyte.gz");
}

namespace {
void choose_default_data(Config& c) {
  if (fashion_mnist_installed()) {
    c.data.dataset = "fashion-mnist";
    c.data.path = kFashionMnistDir;
  } else {
    c.data.dataset = "synthetic";
  }
}
}  // namespace

Config preset_v1() {
  Config c;
  choose_default_data(c);
  c.preset = "v1";
  c.model.head = "linear";
  // Paper: tau 0.07; m 0.999 is for 200 ImageNet epochs. Small data runs a few thousand steps,
  // so we use the CIFAR demo's m 0.99 and K 4096 (K must stay well below the dataset size).
  c.moco.temperature = 0.07;
  c.moco.momentum = 0.99;
  c.moco.queue_size = 4096;
  c.optim.schedule = "step";
  c.optim.milestones = {0.6, 0.8};  // epochs 120 and 160 of 200 in the paper
  // v1 augmentation: crop 0.2-1, grayscale 0.2, jitter (0.4, 0.4, 0.4, 0.4) always, flip.
  c.augment.jitter_p = 1.0;
  c.augment.hue = 0.4;
  c.augment.blur_p = 0.0;
  return c;
}

Config preset_v2() {
  Config c;  // the struct's defaults are MoCo v2 scaled for small data
  choose_default_data(c);
  c.preset = "v2";
  return c;
}

Config preset_by_name(const std::string& name) {
  if (name == "v1") return preset_v1();
  if (name == "v2") return preset_v2();
  throw std::invalid_argument("unknown preset '" + name + "' (expected v1 or v2)");
}

namespace {

template <typename T>
std::string str(const T& v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

struct IssueList {
  std::vector<ConfigIssue> items;
  void add(const std::string& field, const std::string& message) { items.push_back({field, message}); }
  void probability(const std::string& field, double p) {
    if (!(p >= 0.0 && p <= 1.0)) add(field, "must be a probability in [0, 1], got " + str(p));
  }
  void range(const std::string& field_min, double lo, const std::string& field_max, double hi) {
    if (!(lo <= hi)) add(field_min, "must not exceed " + field_max + " (" + str(lo) + " > " + str(hi) + ")");
  }
};

}  // namespace

std::vector<ConfigIssue> validate(const Config& c) {
  IssueList v;
  const auto& d = c.data;
  if (d.dataset != "fashion-mnist" && d.dataset != "synthetic" && d.dataset != "idx")
    v.add("data.dataset", "unknown dataset '" + d.dataset + "' (fashion-mnist, synthetic or idx)");
  if (d.dataset == "idx" && d.path.empty()) v.add("data.path", "an idx dataset needs the folder of its files");
  if (d.synthetic_per_class < 1) v.add("data.synthetic_per_class", "must be at least 1, got " + str(d.synthetic_per_class));
  if (d.synthetic_size < 8 || d.synthetic_size > 256)
    v.add("data.synthetic_size", "must be between 8 and 256 pixels, got " + str(d.synthetic_size));
  if (d.train_limit < 0) v.add("data.train_limit", "must be >= 0, got " + str(d.train_limit));
  if (d.test_limit < 0) v.add("data.test_limit", "must be >= 0, got " + str(d.test_limit));

  const auto& m = c.model;
  if (m.encoder != "small_cnn" && m.encoder != "resnet18_cifar")
    v.add("model.encoder", "unknown encoder '" + m.encoder + "' (small_cnn or resnet18_cifar)");
  if (m.head != "linear" && m.head != "mlp") v.add("model.head", "unknown head '" + m.head + "' (linear or mlp)");
  if (m.feature_dim < 1) v.add("model.feature_dim", "must be at least 1, got " + str(m.feature_dim));
  if (m.width < 1) v.add("model.width", "must be at least 1, got " + str(m.width));

  const auto& k = c.moco;
  if (k.queue_size < 1) v.add("moco.queue_size", "K must be at least 1, got " + str(k.queue_size));
  if (!(k.momentum >= 0.0 && k.momentum <= 1.0)) v.add("moco.momentum", "m must be in [0, 1], got " + str(k.momentum));
  if (!(k.temperature > 0.0) || !std::isfinite(k.temperature))
    v.add("moco.temperature", "tau must be > 0, got " + str(k.temperature));
  if (k.bn_splits < 1) v.add("moco.bn_splits", "must be at least 1, got " + str(k.bn_splits));

  const auto& o = c.optim;
  if (o.batch_size < 2) v.add("optim.batch_size", "must be at least 2 (BN needs several samples), got " + str(o.batch_size));
  else if (k.bn_splits >= 1 && o.batch_size % k.bn_splits != 0)
    v.add("moco.bn_splits", "batch " + str(o.batch_size) + " is not divisible by bn_splits " + str(k.bn_splits));
  else if (k.bn_splits >= 1 && o.batch_size / k.bn_splits < 2)
    v.add("moco.bn_splits", "each BN sub-batch needs at least 2 samples (batch " + str(o.batch_size) + " / " +
                                str(k.bn_splits) + ")");
  if (!(o.lr > 0.0) || !std::isfinite(o.lr)) v.add("optim.lr", "must be > 0, got " + str(o.lr));
  if (o.schedule != "cosine" && o.schedule != "step" && o.schedule != "constant")
    v.add("optim.schedule", "unknown schedule '" + o.schedule + "' (cosine, step or constant)");
  for (size_t i = 0; i < o.milestones.size(); ++i)
    if (!(o.milestones[i] > 0.0 && o.milestones[i] < 1.0))
      v.add("optim.milestones", "milestone " + str(o.milestones[i]) + " must be a fraction of the run in (0, 1)");
  if (o.warmup_steps < 0) v.add("optim.warmup_steps", "must be >= 0, got " + str(o.warmup_steps));
  if (!(o.sgd_momentum >= 0.0 && o.sgd_momentum < 1.0)) v.add("optim.sgd_momentum", "must be in [0, 1), got " + str(o.sgd_momentum));
  if (!(o.weight_decay >= 0.0)) v.add("optim.weight_decay", "must be >= 0, got " + str(o.weight_decay));

  const auto& a = c.augment;
  if (!(a.crop_scale_min > 0.0 && a.crop_scale_max <= 1.0))
    v.add("augment.crop_scale_min", "crop scale must lie in (0, 1], got [" + str(a.crop_scale_min) + ", " + str(a.crop_scale_max) + "]");
  v.range("augment.crop_scale_min", a.crop_scale_min, "augment.crop_scale_max", a.crop_scale_max);
  if (!(a.crop_ratio_min > 0.0)) v.add("augment.crop_ratio_min", "must be > 0, got " + str(a.crop_ratio_min));
  v.range("augment.crop_ratio_min", a.crop_ratio_min, "augment.crop_ratio_max", a.crop_ratio_max);
  if (a.output_size < 0 || a.output_size > 512) v.add("augment.output_size", "must be 0 (input size) to 512, got " + str(a.output_size));
  v.probability("augment.flip_p", a.flip_p);
  v.probability("augment.jitter_p", a.jitter_p);
  v.probability("augment.grayscale_p", a.grayscale_p);
  v.probability("augment.blur_p", a.blur_p);
  if (!(a.brightness >= 0.0 && a.brightness < 1.0)) v.add("augment.brightness", "must be in [0, 1), got " + str(a.brightness));
  if (!(a.contrast >= 0.0 && a.contrast < 1.0)) v.add("augment.contrast", "must be in [0, 1), got " + str(a.contrast));
  if (!(a.saturation >= 0.0 && a.saturation < 1.0)) v.add("augment.saturation", "must be in [0, 1), got " + str(a.saturation));
  if (!(a.hue >= 0.0 && a.hue <= 0.5)) v.add("augment.hue", "must be in [0, 0.5], got " + str(a.hue));
  if (!(a.blur_sigma_min > 0.0)) v.add("augment.blur_sigma_min", "must be > 0, got " + str(a.blur_sigma_min));
  v.range("augment.blur_sigma_min", a.blur_sigma_min, "augment.blur_sigma_max", a.blur_sigma_max);
  if (a.blur_sigma_max > 10.0) v.add("augment.blur_sigma_max", "must be at most 10 pixels, got " + str(a.blur_sigma_max));

  const auto& r = c.run;
  if (r.epochs < 0) v.add("run.epochs", "must be >= 0, got " + str(r.epochs));
  if (r.total_steps < 0) v.add("run.total_steps", "must be >= 0, got " + str(r.total_steps));
  if (r.epochs == 0 && r.total_steps == 0) v.add("run.epochs", "the run has no length: set run.epochs or run.total_steps");
  if (r.device != "auto" && r.device != "cpu" && r.device != "cuda")
    v.add("run.device", "unknown device '" + r.device + "' (auto, cpu or cuda)");
  if (r.threads < 0) v.add("run.threads", "must be >= 0, got " + str(r.threads));
  if (r.checkpoint_every < 0) v.add("run.checkpoint_every", "must be >= 0, got " + str(r.checkpoint_every));
  return v.items;
}

std::string describe(const std::vector<ConfigIssue>& issues) {
  std::string out;
  for (const auto& i : issues) {
    if (!out.empty()) out += '\n';
    out += i.field + ": " + i.message;
  }
  return out;
}

}  // namespace moco
