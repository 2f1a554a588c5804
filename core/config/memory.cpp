// api/memory.h. The figures follow what core/ allocates: fp32 keys and features, int64 labels and
// slot bookkeeping, uint8 images. The activation term is deliberately rough (a few copies of every
// layer's output); it only has to tell a laptop-sized experiment from one that cannot fit.
#include "api/memory.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace moco {
namespace {

constexpr int64_t kFloat = 4;  // fp32 keys, features, activations and parameters
constexpr int64_t kInt64 = 8;  // labels, and each slot's step, sample and batch row
// Copies of a layer's output a step with gradients holds: the output kept for backward and its
// gradient during backward (BN's normalised output and ReLU's mask come on top: rough, on purpose).
constexpr int64_t kKeptPerActivation = 2;
// Copies of the logits: the scores, the logits divided by tau, log-softmax, and their gradient.
constexpr int64_t kLogitCopies = 4;

struct Images {
  int64_t train = 0, test = 0, extra = 0;  // extra: STL-10's labelled split kept beside the unlabelled one
  int64_t side = 0, channels = 1;
  bool known = true;
};

int64_t limited(int64_t count, int64_t limit) { return limit > 0 ? std::min(count, limit) : count; }

// The splits load_dataset (core/data/dataset.cpp) produces, from the published sizes of each set.
Images images_of(const DataConfig& d) {
  Images i;
  switch (d.dataset) {
    case DatasetName::FashionMnist:
    case DatasetName::Mnist: i = {60000, 10000, 0, 28, 1, true}; break;
    case DatasetName::Cifar10:
    case DatasetName::Cifar100: i = {50000, 10000, 0, 32, 3, true}; break;
    case DatasetName::Stl10:
      i = d.stl10_unlabeled ? Images{100000, 8000, 5000, 96, 3, true} : Images{5000, 8000, 0, 96, 3, true};
      break;
    case DatasetName::Synthetic:
      i = {10 * d.synthetic_per_class, 10 * (d.synthetic_per_class / 5), 0, d.synthetic_size, 1, true};
      break;
    case DatasetName::Idx: i = {0, 0, 0, 28, 1, false}; break;      // read from the folder's headers at load
    case DatasetName::Folder: i = {0, 0, 0, 64, 3, false}; break;   // checked against the RAM budget while scanned
  }
  i.train = limited(i.train, d.train_limit);
  i.test = limited(i.test, d.test_limit);
  if (d.image_size > 0) i.side = d.image_size;
  return i;
}

int64_t conv_out(int64_t side, int64_t stride) { return (side + stride - 1) / stride; }  // 3x3, padding 1

// Elements of every layer output of one image's forward pass (the activations a backward needs),
// and of the widest one.
std::pair<int64_t, int64_t> activation_elements(const ModelConfig& m, int64_t side) {
  if (m.encoder == EncoderArch::SmallCnn) {
    int64_t sum = 0, widest = 0, s = side;
    for (int64_t layer = 0; layer < 4; ++layer) {
      if (layer > 0) s = conv_out(s, 2);
      sum += (m.width << layer) * s * s;
      widest = std::max(widest, (m.width << layer) * s * s);
    }
    return {sum, widest};
  }
  // ResNet-18 (CIFAR form): the stem, then per stage two blocks of two convolutions plus the
  // residual sum of each block; the first block of stages 2-4 also has its 1x1 downsample.
  int64_t sum = 64 * side * side, widest = sum, s = side;
  const int64_t widths[] = {64, 128, 256, 512};
  for (int stage = 0; stage < 4; ++stage) {
    if (stage > 0) s = conv_out(s, 2);
    const int64_t per_map = widths[stage] * s * s;
    sum += per_map * (2 * 3 + (stage > 0 ? 1 : 0));
    widest = std::max(widest, per_map);
  }
  return {sum, widest};
}

int64_t head_parameters(const ModelConfig& m, int64_t features) {
  const int64_t out = features * m.feature_dim + m.feature_dim;
  return m.head == HeadType::Mlp ? features * features + features + out : out;
}

std::string field_of(const Config& c, const std::string& part) {
  if (part == "negatives") return c.moco.mechanism == Mechanism::MemoryBank ? "data.train_limit" : "moco.queue_size";
  if (part == "dataset") return c.data.dataset == DatasetName::Synthetic ? "data.synthetic_per_class" : "data.train_limit";
  if (part == "activations") return "optim.batch_size";
  return "model.width";
}

}  // namespace

int64_t encoder_parameter_count(const ModelConfig& m, int64_t channels) {
  const auto conv = [](int64_t in, int64_t out, int64_t k) { return in * out * k * k; };
  const auto bn = [](int64_t c) { return 2 * c; };  // weight and bias (running stats are buffers)
  if (m.encoder == EncoderArch::SmallCnn) {
    int64_t sum = 0, in = channels;
    for (int64_t layer = 0; layer < 4; ++layer) {
      const int64_t out = m.width << layer;
      sum += conv(in, out, 3) + bn(out);
      in = out;
    }
    return sum + head_parameters(m, in);
  }
  int64_t sum = conv(channels, 64, 3) + bn(64), in = 64;
  for (const int64_t out : {64, 128, 256, 512}) {
    sum += conv(in, out, 3) + bn(out) + conv(out, out, 3) + bn(out);  // first block
    if (in != out) sum += conv(in, out, 1) + bn(out);                 // its downsample
    sum += 2 * (conv(out, out, 3) + bn(out));                         // second block
    in = out;
  }
  return sum + head_parameters(m, in);
}

MemoryEstimate estimate_memory(const Config& c) {
  // In double: a queue_size near its unbounded maximum must give a huge figure, not an overflow.
  const auto bytes = [](double v) { return v >= 9e18 ? int64_t(9e18) : int64_t(v); };
  MemoryEstimate e;
  const Images images = images_of(c.data);
  const double pixels = double(images.channels) * double(images.side) * double(images.side);
  e.dataset_known = images.known;
  e.dataset = bytes(double(images.train + images.test + images.extra) * (pixels + kInt64));
  e.train_images = bytes(double(images.train) * (pixels + kInt64));

  const double dim = double(c.model.feature_dim), batch = double(c.optim.batch_size), k = double(c.moco.queue_size);
  const double train = double(images.train);
  switch (c.moco.mechanism) {
    case Mechanism::Queue: e.negatives = bytes(k * (dim * kFloat + 3 * kInt64)); break;  // keys; step, sample, batch row
    case Mechanism::MemoryBank: e.negatives = bytes(train * (dim * kFloat + kInt64)); break;  // features; step
    case Mechanism::EndToEnd: e.negatives = 0; break;  // the batch's own views
  }

  // Both encoders, the query encoder's gradients and SGD's momentum buffers.
  e.model = bytes(4.0 * double(encoder_parameter_count(c.model, images.channels)) * kFloat);

  const double side = double(c.augment.output_size > 0 ? c.augment.output_size : images.side);
  const auto [all_layers, widest] = activation_elements(c.model, int64_t(side));
  const bool two_graded_passes = c.moco.symmetric || c.moco.mechanism == Mechanism::EndToEnd;
  const double graded = batch * double(all_layers) * kFloat * kKeptPerActivation * (two_graded_passes ? 2 : 1);
  const double key_pass = batch * double(widest) * kFloat * 2;  // no_grad: a layer's input and output at a time
  const double views = 2 * batch * images.channels * side * side * kFloat * 2;  // two views, one intermediate
  double logits = 0;
  switch (c.moco.mechanism) {
    case Mechanism::Queue: logits = batch * (k + 1) * kFloat * kLogitCopies * (c.moco.symmetric ? 2 : 1); break;
    case Mechanism::MemoryBank:  // the scores against the whole bank, then the gathered K + 1
      logits = batch * train * kFloat + batch * (k + 1) * kFloat * kLogitCopies;
      break;
    case Mechanism::EndToEnd: logits = (2 * batch) * (2 * batch) * kFloat * kLogitCopies; break;
  }
  e.activations = bytes(graded + key_pass + views + logits);
  e.logits = bytes(logits);
  return e;
}

MemoryEstimate MemoryEstimate::on_device() const {
  MemoryEstimate d = *this;
  d.dataset = train_images;
  return d;
}

std::string MemoryEstimate::largest_field(const Config& config) const {
  // The logits belong with the negatives: K (or the bank's size) sets both.
  const std::pair<int64_t, const char*> parts[] = {
      {negatives + logits, "negatives"}, {dataset, "dataset"}, {activations - logits, "activations"}, {model, "model"}};
  return field_of(config, std::max_element(std::begin(parts), std::end(parts))->second);
}

std::string MemoryEstimate::breakdown(const Config& config) const {
  const char* negatives_name = config.moco.mechanism == Mechanism::MemoryBank ? "memory bank" : "queue";
  std::string text;
  if (config.moco.mechanism != Mechanism::EndToEnd) text += std::string(negatives_name) + " " + format_bytes(negatives) + ", ";
  text += "dataset " + (dataset_known ? format_bytes(dataset) : std::string("known once read")) + ", ";
  text += "activations " + format_bytes(activations) + ", model " + format_bytes(model);
  return text;
}

std::optional<int64_t> machine_memory_bytes() {
  // Read once: the physical memory does not change while the program runs, and validation asks
  // at every edit of the form.
  static const std::optional<int64_t> bytes = []() -> std::optional<int64_t> {
    std::ifstream meminfo("/proc/meminfo");
    std::string key, unit;
    int64_t kib = 0;
    while (meminfo >> key >> kib >> unit)
      if (key == "MemTotal:") return kib * 1024;
    return std::nullopt;
  }();
  return bytes;
}

std::string format_bytes(int64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double value = double(bytes);
  int unit = 0;
  while (value >= 999.5 && unit < 6) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  if (unit == 0) std::snprintf(text, sizeof text, "%lld B", (long long)bytes);
  else std::snprintf(text, sizeof text, value < 99.95 ? "%.1f %s" : "%.0f %s", value, units[unit]);
  return text;
}

std::string memory_refusal(const Config& config, const MemoryEstimate& needed, int64_t available, const std::string& where) {
  if (needed.total() <= available) return "";
  return "this configuration would need about " + format_bytes(needed.total()) + " (" + needed.breakdown(config) +
         ") but " + where + " has " + format_bytes(available);
}

}  // namespace moco
