#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "api/config.h"
#include "api/datasets.h"
#include "api/fields.h"
#include "api/memory.h"
#include "config/presets.h"

namespace moco {

bool fashion_mnist_installed() {
  return std::filesystem::exists(std::filesystem::path(kFashionMnistDir) / "train-images-idx3-ubyte.gz");
}

namespace {

// A method recipe (v1, v2) runs on the default dataset; a dataset's recipe (the CIFAR-10 demo)
// keeps the dataset its JSON names.
Config preset_from(const char* json_text, bool names_dataset = false) {
  Config c = config_from_json(json_text);
  if (names_dataset) return c;
  if (fashion_mnist_installed()) {
    c.data.dataset = DatasetName::FashionMnist;
    c.data.path = kFashionMnistDir;
  } else {
    c.data.dataset = DatasetName::Synthetic;
  }
  return c;
}

std::string str(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// "[0, 1]", "(0, 10]", ">= 1", "> 0" ...: the valid values of a numeric field, as a message says them.
std::string bounds_text(const FieldSpec& f) {
  const bool has_min = std::isfinite(f.min), has_max = std::isfinite(f.max);
  if (has_min && has_max)
    return "in " + std::string(f.min_open ? "(" : "[") + str(f.min) + ", " + str(f.max) + (f.max_open ? ")" : "]");
  if (has_min) return (f.min_open ? "> " : ">= ") + str(f.min);
  return (f.max_open ? "< " : "<= ") + str(f.max);
}

bool within(const FieldSpec& f, double v) {
  if (std::isnan(v)) return false;
  const bool above = f.min_open ? v > f.min : v >= f.min;
  const bool below = f.max_open ? v < f.max : v <= f.max;
  return above && below;
}

struct IssueList {
  std::vector<ConfigIssue> items;
  void add(const std::string& field, const std::string& message) { items.push_back({field, message}); }
  void order(const std::string& field_min, double lo, const std::string& field_max, double hi) {
    if (!(lo <= hi)) add(field_min, "must not exceed " + field_max + " (" + str(lo) + " > " + str(hi) + ")");
  }
};

}  // namespace

bool needs_folder(DatasetName dataset) {
  return dataset == DatasetName::Idx || dataset == DatasetName::Mnist || dataset == DatasetName::Cifar10 || dataset == DatasetName::Cifar100 ||
         dataset == DatasetName::Stl10 || dataset == DatasetName::Folder;
}

Config preset_v1() { return preset_from(presets::kV1); }
Config preset_v2() { return preset_from(presets::kV2); }

Config preset_cifar10_demo() { return preset_from(presets::kCifar10Demo, /*names_dataset=*/true); }

Config preset_simclr() { return preset_from(presets::kSimclr); }

Config preset_fashion_mnist_demo() { return preset_from(presets::kFashionMnistDemo); }

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> names = {"v1", "v2", "cifar10-demo", "simclr", "fashion-mnist-demo"};
  return names;
}

Config preset_by_name(const std::string& name) {
  if (name == "v1") return preset_v1();
  if (name == "v2") return preset_v2();
  if (name == "cifar10-demo") return preset_cifar10_demo();
  if (name == "simclr") return preset_simclr();
  if (name == "fashion-mnist-demo") return preset_fashion_mnist_demo();
  std::string known;
  for (const auto& n : preset_names()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown preset '" + name + "' (expected " + known + ")");
}

void require_data_path_used(const Config& config, const std::vector<std::string>& overrides) {
  const std::string prefix = "data.path=";
  const bool path_named = std::any_of(overrides.begin(), overrides.end(), [&](const std::string& o) {
    return o.size() > prefix.size() && o.compare(0, prefix.size(), prefix) == 0;
  });
  if (config.data.dataset != DatasetName::Synthetic || !path_named || config.data.path.empty()) return;
  throw std::invalid_argument(
      "data.path is '" + config.data.path + "' but data.dataset is synthetic, which reads no files" +
      (fashion_mnist_installed() ? std::string()
                                 : std::string(" (the preset chose it: Debian's Fashion-MNIST is not installed at ") +
                                       kFashionMnistDir + "; apt install dataset-fashion-mnist)") +
      ": name the dataset in that folder, e.g. --set data.dataset=fashion-mnist (or mnist, idx, cifar10, cifar100, stl10, folder)");
}

bool preset_names_dataset(const std::string& name) { return name == "cifar10-demo"; }

Config with_dataset_defaults(const Config& c) {
  Config out = c;
  // The recipe's hyperparameters, but the mechanism stays the user's: a lesson comparing MoCo with
  // SimCLR or a memory bank on CIFAR-10 keeps its arm when the dataset changes.
  const auto take_recipe = [&out, &c](const Config& recipe) {
    out.preset = recipe.preset;
    out.model = recipe.model;
    out.moco = recipe.moco;
    out.moco.mechanism = c.moco.mechanism;
    out.optim = recipe.optim;
    out.augment = recipe.augment;
  };
  switch (c.data.dataset) {
    case DatasetName::Cifar10:
    case DatasetName::Cifar100:
      take_recipe(preset_cifar10_demo());
      out.data.image_size = 0;
      break;
    case DatasetName::Stl10:
      take_recipe(preset_cifar10_demo());
      out.data.image_size = 64;  // 96 px costs 2.25x the pixels of 64 for little gain at this scale
      break;
    case DatasetName::Folder:
      // Your own photos: natural colour images, so the colour recipe, at the folder's default size.
      take_recipe(preset_cifar10_demo());
      out.data.image_size = kDefaultFolderImageSize;
      break;
    case DatasetName::FashionMnist:
    case DatasetName::Mnist:
    case DatasetName::Synthetic:
    case DatasetName::Idx:
      // Small grey sets: back to the small-data v2 recipe if a colour set's recipe was in place.
      if (c.preset == "cifar10-demo") take_recipe(preset_v2());
      out.data.image_size = 0;
      break;
  }
  return out;
}

std::vector<ConfigIssue> validate(const Config& c) {
  IssueList v;
  // Each numeric field against its bounds in the field table.
  for (const auto& f : config_fields()) {
    if (f.kind != FieldKind::Int && f.kind != FieldKind::Real) continue;
    const double value = field_number(c, f.key);
    if (!within(f, value)) v.add(f.key, "must be " + bounds_text(f) + ", got " + str(value));
  }
  // What involves several fields.
  // CIFAR and STL-10 with no path are looked for in the default data folder (where --download puts them).
  if ((c.data.dataset == DatasetName::Idx || c.data.dataset == DatasetName::Folder) && c.data.path.empty())
    v.add("data.path", "the " + to_string(c.data.dataset) + " dataset needs the folder of its files");
  const int64_t batch = c.optim.batch_size, splits = c.moco.bn_splits;
  if (batch >= 2 && splits >= 1) {
    if (batch % splits != 0)
      v.add("moco.bn_splits", "batch " + std::to_string(batch) + " is not divisible by bn_splits " + std::to_string(splits));
    else if (batch / splits < 2)
      v.add("moco.bn_splits", "each BN sub-batch needs at least 2 samples (batch " + std::to_string(batch) + " / " +
                                  std::to_string(splits) + ")");
  }
  for (double m : c.optim.milestones)
    if (!(m > 0.0 && m < 1.0)) v.add("optim.milestones", "milestone " + str(m) + " must be a fraction of the run in (0, 1)");
  const auto& a = c.augment;
  v.order("augment.crop_scale_min", a.crop_scale_min, "augment.crop_scale_max", a.crop_scale_max);
  v.order("augment.crop_ratio_min", a.crop_ratio_min, "augment.crop_ratio_max", a.crop_ratio_max);
  v.order("augment.blur_sigma_min", a.blur_sigma_min, "augment.blur_sigma_max", a.blur_sigma_max);
  // The memory bank samples K negatives among the other training images (the trainer checks the
  // loaded set; here what the config alone tells).
  if (c.moco.mechanism == Mechanism::MemoryBank && c.data.train_limit > 0 && c.moco.queue_size >= c.data.train_limit)
    v.add("moco.queue_size", "the memory bank samples K = " + std::to_string(c.moco.queue_size) +
                                 " negatives among the other training images, but data.train_limit is " +
                                 std::to_string(c.data.train_limit));
  // CPU autocast has bf16 only; a device 'auto' that turns out to be the CPU is refused by the trainer.
  if (c.run.precision == Precision::Fp16 && c.run.device == DeviceChoice::Cpu)
    v.add("run.precision", "fp16 needs a CUDA GPU (CPU autocast supports bf16 only): use bf16 or fp32 with run.device cpu");
  if (c.run.epochs == 0 && c.run.total_steps == 0) v.add("run.epochs", "the run has no length: set run.epochs or run.total_steps");
  // Whether it can fit this machine at all (api/memory.h), once every field is in range: a queue
  // of 2e9 keys is refused here with the figures, not by LibTorch's allocator. A CUDA run is also
  // checked against the GPU's memory when the trainer has its device.
  if (v.items.empty())
    if (const auto ram = machine_memory_bytes()) {
      const MemoryEstimate needed = estimate_memory(c);
      if (auto refusal = memory_refusal(c, needed, *ram, "this machine"); !refusal.empty())
        v.add(needed.largest_field(c), refusal);
    }
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
