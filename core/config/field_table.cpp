// The field table itself: one entry per configuration key. Help texts give the papers' values
// (He et al. 2019; Chen et al. 2020; the official CIFAR-10 demo).
#include "config/field_table.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>

namespace moco::detail {
namespace {

using nlohmann::json;
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
  return out;
}

[[noreturn]] void wrong(const FieldSpec& spec, const char* expected, const json& value) {
  throw std::invalid_argument(spec.key + ": expected " + expected + ", got " + kind_of(value) + " (" + value.dump() + ")");
}

// Reads `value` into `out` as the field's kind says.
template <typename T>
void read_value(const FieldSpec& spec, const json& value, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!value.is_boolean()) wrong(spec, "a boolean", value);
    out = value.get<bool>();
  } else if constexpr (std::is_enum_v<T> || std::is_same_v<T, std::string>) {
    if (!value.is_string()) wrong(spec, "a string", value);
    const auto text = value.get<std::string>();
    if (spec.kind == FieldKind::Text) {
      if constexpr (std::is_same_v<T, std::string>) out = text;
      return;
    }
    for (size_t i = 0; i < spec.choices.size(); ++i)
      if (spec.choices[i] == text) {
        if constexpr (std::is_enum_v<T>) out = T(i);
        else out = text;
        return;
      }
    throw std::invalid_argument(spec.key + ": unknown value '" + text + "' (" + joined(spec.choices) + ")");
  } else if constexpr (std::is_integral_v<T>) {
    if (!value.is_number_integer()) wrong(spec, "an integer", value);
    if (std::is_unsigned_v<T> && value.get<int64_t>() < 0)
      throw std::invalid_argument(spec.key + ": must not be negative, got " + value.dump());
    out = value.get<T>();
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!value.is_number()) wrong(spec, "a number", value);
    out = value.get<T>();
  } else {  // std::vector<double>
    if (!value.is_array()) wrong(spec, "an array", value);
    for (const auto& e : value)
      if (!e.is_number()) throw std::invalid_argument(spec.key + ": expected numbers in the array, got " + e.dump());
    out = value.get<T>();
  }
}

template <typename T>
json write_value(const FieldSpec& spec, const T& value) {
  if constexpr (std::is_enum_v<T>) return spec.choices.at(size_t(value));
  else return value;
}

// An entry for member `member` of section `section` of Config.
template <typename Section, typename T>
FieldEntry field(Section Config::*section, T Section::*member, FieldSpec spec) {
  FieldEntry e;
  e.spec = std::move(spec);
  const FieldSpec& s = e.spec;  // copied into the lambdas below
  e.get = [section, member, s](const Config& c) { return write_value(s, c.*section.*member); };
  e.set = [section, member, s](Config& c, const json& v) { read_value(s, v, c.*section.*member); };
  return e;
}

FieldEntry top_level(std::string Config::*member, FieldSpec spec) {
  FieldEntry e;
  e.spec = std::move(spec);
  const FieldSpec& s = e.spec;
  e.get = [member](const Config& c) { return json(c.*member); };
  e.set = [member, s](Config& c, const json& v) { read_value(s, v, c.*member); };
  return e;
}

// Spec builders: keep the table below one line of meaning per field.
FieldSpec choice(const char* key, const char* label, std::vector<std::string> choices, std::vector<std::string> labels,
                 const char* help) {
  FieldSpec s;
  s.key = key;
  s.kind = FieldKind::Choice;
  s.label = label;
  s.choices = std::move(choices);
  s.choice_labels = std::move(labels);
  s.help = help;
  return s;
}

FieldSpec integer(const char* key, const char* label, double min, double max, const char* help) {
  FieldSpec s;
  s.key = key;
  s.kind = FieldKind::Int;
  s.label = label;
  s.min = min;
  s.max = max;
  s.help = help;
  return s;
}

// A real in [min, max]; `open` ends are excluded: "(" for min, ")" for max, "()" for both.
FieldSpec real(const char* key, const char* label, double min, double max, const char* open, int decimals, double step,
               const char* help) {
  FieldSpec s;
  s.key = key;
  s.kind = FieldKind::Real;
  s.label = label;
  s.min = min;
  s.max = max;
  s.min_open = std::string(open).find('(') != std::string::npos;
  s.max_open = std::string(open).find(')') != std::string::npos;
  s.decimals = decimals;
  s.step = step;
  s.help = help;
  return s;
}

FieldSpec probability(const char* key, const char* label, const char* help) {
  return real(key, label, 0, 1, "", 2, 0.05, help);
}

FieldSpec boolean(const char* key, const char* label, const char* help) {
  FieldSpec s;
  s.key = key;
  s.kind = FieldKind::Bool;
  s.label = label;
  s.help = help;
  return s;
}

FieldSpec text(const char* key, const char* label, FieldKind kind, const char* help) {
  FieldSpec s;
  s.key = key;
  s.kind = kind;
  s.label = label;
  s.help = help;
  return s;
}

FieldSpec live(FieldSpec s) {
  s.live = true;
  return s;
}

std::vector<FieldEntry> build_table() {
  using C = Config;
  return {
      top_level(&C::preset, choice("preset", "Preset", {"v1", "v2", "cifar10-demo", "simclr", "fashion-mnist-demo", "custom"},
          {"MoCo v1", "MoCo v2", "CIFAR-10 demo (official)", "SimCLR (end-to-end)", "Fashion-MNIST demo (v2, τ 0.1)", "custom"},
          "Fills in a paper's recipe. v1: linear head, τ 0.07, step lr schedule, colour jitter 0.4 always, no blur. "
          "v2: MLP head, τ 0.2, cosine schedule, \"aug+\" (jitter p 0.8 with hue 0.1, blur p 0.5). K, batch and lr "
          "are scaled for small data; data and run settings are kept. CIFAR-10 demo: the official demo on "
          "CIFAR-10 (ResNet-18 with the CIFAR stem, K 4096, m 0.99, τ 0.1, split BN 8, batch 512, lr 0.06 "
          "cosine, wd 5e-4, v2's augmentation without blur; kNN 82.6 % after 200 epochs on a GPU). SimCLR: the "
          "end-to-end mechanism with NT-Xent over the batch's 2N − 2 other views, τ 0.5, MLP head, crop 0.08–1, "
          "no split BN (61.9 % ImageNet linear top-1 at batch 256 vs MoCo v2's 67.5 %). Fashion-MNIST demo (the "
          "default): v2 with τ 0.1 and 3 600 cosine steps (about 14 minutes on a 2-core CPU), which passes the "
          "raw-pixel kNN floor within 5 minutes (LESSONS.md).")),

      field(&C::data, &DataConfig::dataset, choice("data.dataset", "Dataset",
          {"fashion-mnist", "mnist", "synthetic", "idx", "cifar10", "cifar100", "stl10", "folder"},
          {"Fashion-MNIST", "MNIST", "Synthetic shapes", "IDX folder…", "CIFAR-10", "CIFAR-100", "STL-10", "Image folder…"},
          "Images to learn from. Fashion-MNIST: 60 000 grey 28×28 clothing images in 10 classes. MNIST: the "
          "handwritten digits, the same layout, from the data folder (MNIST/raw as torchvision keeps it, or mnist/). Synthetic: "
          "generated coloured shapes, fast for demos. IDX folder: any MNIST-layout folder. CIFAR-10/100: 50 000 "
          "colour 32×32 images in 10/100 classes (the binary version, from the data folder or a folder of your "
          "choice; Download… fetches it). STL-10: 5 000 labelled colour "
          "96×96 images in 10 classes (binary version), and 100 000 unlabelled ones. Image folder: your own "
          "PNG/JPEG/BMP/WebP/TIFF files, one subfolder per class (or none: trained without labels). The papers train on ImageNet (1.28 M images); the "
          "official demo on CIFAR-10.")),
      field(&C::data, &DataConfig::path, text("data.path", "Folder", FieldKind::Text,
          "Folder holding the files: the IDX files (train-images-idx3-ubyte[.gz] …), cifar-10-batches-bin, "
          "cifar-100-binary or stl10_binary (or the folder holding it, or the .tar.gz), or the image folder. "
          "Empty for CIFAR and STL-10: the data folder ($MOCO_DATA_DIR, else "
          "~/.local/share/moco-workbench/datasets), where Download… puts them.")),
      field(&C::data, &DataConfig::cifar100_coarse, boolean("data.cifar100_coarse", "CIFAR-100 labels",
          "CIFAR-100: label by the 20 superclasses instead of the 100 classes (kNN, probe, colours).")),
      field(&C::data, &DataConfig::stl10_unlabeled, boolean("data.stl10_unlabeled", "Train on the 100 000 unlabelled images",
          "STL-10: train on unlabeled_X.bin's 100 000 unlabelled images (as the STL-10 papers do); the 5 000 "
          "labelled training images are then the kNN bank and the linear probe's training set.")),
      field(&C::data, &DataConfig::image_size, integer("data.image_size", "Resize to", 0, 512,
          "Resize every image to N×N pixels when loading (area interpolation); 0 keeps the stored size. STL-10's 96 "
          "px at 64 or 32 trains several times faster on a CPU. Image folders: the shorter side is resized to N "
          "and the centre square kept; 0 means 64.")),
      field(&C::data, &DataConfig::synthetic_per_class, integer("data.synthetic_per_class", "Images per class", 1, 100000,
          "Generated training images per class (the test split gets a fifth).")),
      field(&C::data, &DataConfig::synthetic_size, integer("data.synthetic_size", "Image size", 8, 256,
          "Side of the generated images in pixels (8–256).")),
      field(&C::data, &DataConfig::train_limit, integer("data.train_limit", "Training images", 0, kInf,
          "Train on the first N images only (0 = all): quick demos.")),
      field(&C::data, &DataConfig::test_limit, integer("data.test_limit", "Test images", 0, kInf,
          "Evaluate on the first N test images only (0 = all).")),

      field(&C::model, &ModelConfig::encoder, choice("model.encoder", "Backbone", {"small_cnn", "resnet18_cifar"},
          {"Small CNN (fast)", "ResNet-18 (CIFAR stem)"},
          "Backbone. small_cnn: four conv blocks, fast on a CPU. resnet18_cifar: ResNet-18 with a 3×3 stem and no "
          "max-pool, as the official CIFAR-10 demo. The papers use ResNet-50.")),
      field(&C::model, &ModelConfig::width, integer("model.width", "Width", 1, 1024,
          "Channels of the small CNN's first block (32 gives 32/64/128/256). Smaller trains faster.")),
      field(&C::model, &ModelConfig::head, choice("model.head", "Head", {"linear", "mlp"}, {"Linear (v1)", "MLP (v2)"},
          "Projection head. linear: one fc layer (MoCo v1). mlp: Linear–ReLU–Linear without BN (MoCo v2; 60.6 → "
          "66.2 % ImageNet linear top-1 with τ 0.2).")),
      field(&C::model, &ModelConfig::feature_dim, integer("model.feature_dim", "Feature dim", 1, 8192,
          "Size of the contrastive feature, i.e. of every key in the queue. Papers: 128.")),

      field(&C::moco, &MocoParams::mechanism, choice("moco.mechanism", "Negatives from",
          {"queue", "end_to_end", "memory_bank"}, {"queue (MoCo)", "the batch (end-to-end)", "memory bank"},
          "Where the negatives come from (MoCo paper Fig. 3). queue: keys of the momentum encoder kept for K "
          "steps' worth of batches (MoCo; 60.6 % at K 65 536). end_to_end: the other views of the same batch, "
          "keys from the query encoder with gradients, symmetric NT-Xent over 2N − 2 negatives (SimCLR); K, m "
          "and the symmetric switch are ignored, and the batch caps the negatives. memory_bank: one stored "
          "feature per training image, K sampled per step, each batch's entries moved to its query features "
          "(momentum 0.5; Wu et al. 2018, 58.0 % at K 65 536); m and the symmetric switch are ignored, K must "
          "be below the number of training images.")),
      field(&C::moco, &MocoParams::momentum, live(real("moco.momentum", "Momentum m", 0, 1, "", 4, 0.001,
          "Key-encoder update θk ← m·θk + (1−m)·θq. Near 1 the keys change slowly, so the queue stays consistent. "
          "Paper (K 4096): m 0 fails (loss oscillates); 0.9 → 55.2 %; 0.99 → 57.8 %; 0.999 → 59.0 %; 0.9999 → "
          "58.9 %. ImageNet default 0.999, CIFAR demo 0.99. The queue mechanism only."))),
      field(&C::moco, &MocoParams::queue_size, integer("moco.queue_size", "Queue K", 1, kInf,
          "Dictionary size K: negatives each query is compared with; chance loss is ln(K+1). Paper: 65 536 "
          "(accuracy grows with K); CIFAR demo: 4096. Keep K well below the number of training images, or an "
          "image's own old key sits in the queue. The memory bank samples K negatives; end-to-end ignores K.")),
      field(&C::moco, &MocoParams::temperature, live(real("moco.temperature", "Temperature τ", 0, 10, "(", 3, 0.01,
          "Softmax temperature τ of InfoNCE; smaller focuses on the hardest negatives. v1: 0.07. v2 with MLP: 0.07 → "
          "62.9 %, 0.1 → 64.9 %, 0.2 → 66.2 %, 0.3 → 65.7 %, 0.5 → 64.3 %. CIFAR demo: 0.1."))),
      field(&C::moco, &MocoParams::bn_splits, integer("moco.bn_splits", "Shuffle-BN splits", 1, 1024,
          "Shuffle BN on one device: BatchNorm statistics per sub-batch of batch/splits samples and the key batch "
          "shuffled across them, so BN cannot leak the positive. 1 turns it off. CIFAR demo: 8 (without it kNN fell "
          "~4 points). The batch must divide by it.")),
      field(&C::moco, &MocoParams::symmetric, boolean("moco.symmetric", "Symmetric loss",
          "Also swap the views: L(q1,k2) + L(q2,k1), both key sets enqueued. CIFAR demo: kNN 82.6 → 85.3 % at 200 "
          "epochs, at twice the work per step.")),

      field(&C::optim, &OptimConfig::batch_size, integer("optim.batch_size", "Batch size", 2, 65536,
          "Images per step (two views each). Paper: 256 over 8 GPUs; CIFAR demo: 512. Scale lr with it (linear "
          "rule). At least 2: BatchNorm needs several samples.")),
      field(&C::optim, &OptimConfig::lr, live(real("optim.lr", "Learning rate", 0, 100, "(", 5, 0.005,
          "Base SGD learning rate. Paper: 0.03 at batch 256 (0.015 at 128); CIFAR demo: 0.06 at 512."))),
      field(&C::optim, &OptimConfig::schedule, choice("optim.schedule", "Schedule", {"cosine", "step", "constant"},
          {"cosine (v2)", "step ×0.1 (v1)", "constant"},
          "cosine: decays to 0 over the run (v2). step: ×0.1 at each milestone (v1: epochs 120 and 160 of 200). "
          "constant: no decay.")),
      field(&C::optim, &OptimConfig::milestones, text("optim.milestones", "Milestones", FieldKind::RealList,
          "Fractions of the run where the step schedule multiplies lr by 0.1 (paper: 0.6, 0.8).")),
      field(&C::optim, &OptimConfig::warmup_steps, integer("optim.warmup_steps", "Warm-up steps", 0, kInf,
          "Linear lr warm-up from 0 over this many steps (the papers use none).")),
      field(&C::optim, &OptimConfig::weight_decay, real("optim.weight_decay", "Weight decay", 0, 1, "", 5, 0.0001,
          "SGD weight decay. Paper: 1e-4 (ImageNet); CIFAR demo: 5e-4.")),
      field(&C::optim, &OptimConfig::sgd_momentum, real("optim.sgd_momentum", "SGD momentum", 0, 1, ")", 3, 0.05,
          "SGD momentum (not MoCo's m). Papers: 0.9.")),

      field(&C::augment, &TransformConfig::crop, live(boolean("augment.crop", "Random crop",
          "RandomResizedCrop: a random box of the given area fraction and aspect ratio, resized to the output. Both "
          "papers: scale 0.2–1. The most important augmentation for contrastive learning."))),
      field(&C::augment, &TransformConfig::crop_scale_min, live(real("augment.crop_scale_min", "Crop area", 0, 1, "(", 2, 0.05,
          "Smallest crop area as a fraction of the image (papers: 0.2)."))),
      field(&C::augment, &TransformConfig::crop_scale_max, live(real("augment.crop_scale_max", "Crop area", 0, 1, "(", 2, 0.05,
          "Largest crop area as a fraction of the image (papers: 1.0)."))),
      field(&C::augment, &TransformConfig::crop_ratio_min, live(real("augment.crop_ratio_min", "Aspect ratio", 0, 10, "(", 2, 0.05,
          "Smallest aspect ratio of the crop (torchvision: 3/4)."))),
      field(&C::augment, &TransformConfig::crop_ratio_max, live(real("augment.crop_ratio_max", "Aspect ratio", 0, 10, "(", 2, 0.05,
          "Largest aspect ratio of the crop (torchvision: 4/3)."))),
      field(&C::augment, &TransformConfig::flip_p, live(probability("augment.flip_p", "Horizontal flip",
          "Horizontal flip probability (papers: 0.5)."))),
      field(&C::augment, &TransformConfig::jitter_p, live(probability("augment.jitter_p", "Colour jitter",
          "Colour jitter probability. v1: always; v2 (\"aug+\"): 0.8."))),
      field(&C::augment, &TransformConfig::brightness, live(real("augment.brightness", "Brightness", 0, 1, ")", 2, 0.05,
          "Brightness factor drawn from [1−s, 1+s] (papers: 0.4)."))),
      field(&C::augment, &TransformConfig::contrast, live(real("augment.contrast", "Contrast", 0, 1, ")", 2, 0.05,
          "Contrast factor drawn from [1−s, 1+s] (papers: 0.4)."))),
      field(&C::augment, &TransformConfig::saturation, live(real("augment.saturation", "Saturation", 0, 1, ")", 2, 0.05,
          "Saturation factor drawn from [1−s, 1+s] (papers: 0.4; no effect on grey images)."))),
      field(&C::augment, &TransformConfig::hue, live(real("augment.hue", "Hue", 0, 0.5, "", 2, 0.05,
          "Hue shift drawn from [−h, h] of a full turn. v1: 0.4; v2: 0.1 (no effect on grey images)."))),
      field(&C::augment, &TransformConfig::grayscale_p, live(probability("augment.grayscale_p", "Grayscale",
          "Random grayscale probability (papers: 0.2; no effect on grey images)."))),
      field(&C::augment, &TransformConfig::blur_p, live(probability("augment.blur_p", "Gaussian blur",
          "Gaussian blur probability. v2 (\"aug+\"): 0.5; v1 and the CIFAR demo: none."))),
      field(&C::augment, &TransformConfig::blur_sigma_min, live(real("augment.blur_sigma_min", "Blur σ (px)", 0, 10, "(", 2, 0.1,
          "Smallest blur σ in pixels (v2: 0.1 at 224 px)."))),
      field(&C::augment, &TransformConfig::blur_sigma_max, live(real("augment.blur_sigma_max", "Blur σ (px)", 0, 10, "(", 2, 0.1,
          "Largest blur σ in pixels (v2: 2.0 at 224 px)."))),
      field(&C::augment, &TransformConfig::output_size, live(integer("augment.output_size", "Output size", 0, 512,
          "Side of the views in pixels (0 = the input's size)."))),
      field(&C::augment, &TransformConfig::normalize, live(boolean("augment.normalize", "Normalise",
          "Normalise each channel with the training split's mean and std, as the papers do."))),

      field(&C::run, &RunConfig::epochs, integer("run.epochs", "Epochs", 0, 100000,
          "Passes over the training set. Papers: 200 (v2 also 800); CIFAR demo: 200–800.")),
      field(&C::run, &RunConfig::total_steps, integer("run.total_steps", "Steps", 0, kInf,
          "Exact number of steps; when above 0 it replaces the epochs.")),
      field(&C::run, &RunConfig::seed, integer("run.seed", "Seed", 0, kInf,
          "Seeds initialisation, data order, augmentation and the key shuffle: same seed and config, same run.")),
      field(&C::run, &RunConfig::device, choice("run.device", "Device", {"auto", "cpu", "cuda"}, {"auto", "CPU", "CUDA"},
          "auto: CUDA when LibTorch sees a GPU, else the CPU. cpu / cuda force one (cuda fails without a GPU).")),
      field(&C::run, &RunConfig::threads, integer("run.threads", "CPU threads", 0, 1024,
          "CPU threads LibTorch may use (0 = every core).")),
      field(&C::run, &RunConfig::precision, choice("run.precision", "Precision", {"auto", "fp32", "bf16", "fp16"},
          {"auto", "FP32", "BF16", "FP16"},
          "Arithmetic of the encoders (autocast). auto: bf16 on a CUDA GPU that has it (Ampere and later), else fp32. "
          "bf16 also runs on the CPU; fp16 needs CUDA (its loss is scaled). Logits, loss, queue and BN statistics stay fp32.")),
      field(&C::run, &RunConfig::channels_last, boolean("run.channels_last", "Channels last",
          "On CUDA, weights and images in channels-last (NHWC) memory, faster convolutions on tensor cores; ignored on the CPU.")),
      field(&C::run, &RunConfig::checkpoint_every, integer("run.checkpoint_every", "Checkpoint every", 0, kInf,
          "Write the run folder's checkpoint every N steps (0 = only at the end); a crash loses at most N steps.")),
  };
}

}  // namespace

const std::vector<FieldEntry>& field_entries() {
  static const std::vector<FieldEntry> table = build_table();
  return table;
}

const FieldEntry* find_entry(const std::string& key) {
  for (const auto& e : field_entries())
    if (e.spec.key == key) return &e;
  return nullptr;
}

const char* kind_of(const json& j) {
  if (j.is_boolean()) return "a boolean";
  if (j.is_number_integer()) return "an integer";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  if (j.is_object()) return "an object";
  return "null";
}

}  // namespace moco::detail
