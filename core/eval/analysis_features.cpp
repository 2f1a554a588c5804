// Feature snapshots, the kNN monitor, the linear probe and the accuracy floors.
#include <chrono>
#include <stdexcept>

#include "api/analysis.h"
#include "data/dataset.h"
#include "eval/knn.h"
#include "eval/on_device.h"
#include "runtime/device.h"
#include "train/trainer.h"

namespace moco {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

torch::Tensor select_rows(const torch::Tensor& t, const std::vector<int64_t>& indices) {
  if (indices.empty()) return t;
  return t.index_select(0, torch::tensor(indices, torch::kInt64));
}

// `indices` empty = every image of the split, in order.
FeatureSet to_feature_set(const torch::Tensor& features, const ImageSplit& split, const std::vector<int64_t>& indices,
                          Split which, bool head, int64_t step) {
  FeatureSet f;
  f.step = step;
  f.count = features.size(0);
  f.dim = features.size(1);
  auto values = features.to(torch::kCPU, torch::kFloat32).contiguous();
  f.values.assign(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
  f.indices = indices;
  if (f.indices.empty())
    for (int64_t i = 0; i < f.count; ++i) f.indices.push_back(i);
  if (split.has_labels()) {
    auto labels = select_rows(split.labels, indices).contiguous();
    f.labels.assign(labels.data_ptr<int64_t>(), labels.data_ptr<int64_t>() + labels.numel());
  } else {
    f.labels.assign(size_t(f.count), -1);
  }
  f.split = which;
  f.head = head;
  return f;
}

torch::Tensor as_tensor(const FeatureSet& f) {
  if (int64_t(f.values.size()) != f.count * f.dim) throw std::invalid_argument("feature set holds a wrong number of values");
  return torch::from_blob(const_cast<float*>(f.values.data()), {f.count, f.dim}, torch::kFloat32);
}

}  // namespace

std::vector<int64_t> first_indices(int64_t n, int64_t available) {
  std::vector<int64_t> out;
  if (n <= 0 || n >= available) return out;  // empty = all
  for (int64_t i = 0; i < n; ++i) out.push_back(i);
  return out;
}

FeatureSet extract_feature_set(Trainer& trainer, Split split, const std::vector<int64_t>& indices, bool head) {
  const auto& s = split_of(trainer.dataset(), split);
  for (auto i : indices)
    if (i < 0 || i >= s.size()) throw std::out_of_range("feature index " + std::to_string(i) + " is outside the split");
  auto features = extract_features(*trainer.model().query, select_rows(s.images, indices), trainer.augmenter(),
                                   trainer.device(), head);
  return to_feature_set(features, s, indices, split, head, trainer.steps_done());
}

DeviceFeatures device_features(Trainer& trainer, Split split, const std::vector<int64_t>& indices) {
  const auto& s = split_of(trainer.dataset(), split);
  return {extract_features(*trainer.model().query, select_rows(s.images, indices), trainer.augmenter(), trainer.device()),
          select_rows(s.labels, indices)};
}

// kNN of labelled features on whatever device they are on (the bank's).
KnnReport knn_on_tensors(const torch::Tensor& bank, const torch::Tensor& bank_labels, const torch::Tensor& queries,
                         const torch::Tensor& query_labels, int64_t classes, const KnnOptions& o) {
  const auto start = Clock::now();
  auto result = knn_evaluate(bank, bank_labels, queries, query_labels, classes, o.k, o.t);
  KnnReport r;
  r.top1 = result.top1;
  r.top5 = result.top5;
  r.seconds = seconds_since(start);
  return r;
}

KnnReport knn_on_features(const FeatureSet& bank, const FeatureSet& queries, int64_t classes, const KnnOptions& o) {
  auto r = knn_on_tensors(as_tensor(bank), torch::tensor(bank.labels, torch::kInt64), as_tensor(queries),
                          torch::tensor(queries.labels, torch::kInt64), classes, o);
  r.step = bank.step;
  return r;
}

KnnReport knn_monitor(Trainer& trainer, const KnnOptions& o) {
  const auto start = Clock::now();
  const auto& d = trainer.dataset();
  if (auto why = labels_unavailable(d); !why.empty()) throw std::invalid_argument(why);
  // The bank's features never leave the training device.
  auto bank = device_features(trainer, Split::Bank, first_indices(o.bank_size, d.knn_bank().size()));
  auto test = device_features(trainer, Split::Test, first_indices(o.test_size, d.test.size()));
  auto r = knn_on_tensors(bank.features, bank.labels, test.features, test.labels, int64_t(d.class_names.size()), o);
  r.step = trainer.steps_done();
  r.seconds = seconds_since(start);
  return r;
}

ProbeReport linear_probe(const FeatureSet& train, const FeatureSet& test, int64_t classes, const ProbeOptions& o) {
  auto r = linear_probe_on_tensors(as_tensor(train), torch::tensor(train.labels, torch::kInt64), as_tensor(test),
                                   torch::tensor(test.labels, torch::kInt64), classes, o);
  r.step = train.step;
  return r;
}

ProbeReport linear_probe_on_tensors(const torch::Tensor& train, const torch::Tensor& train_labels, const torch::Tensor& test,
                                    const torch::Tensor& test_labels, int64_t classes, const ProbeOptions& o) {
  const auto start = Clock::now();
  if (train.size(0) == 0 || test.size(0) == 0) throw std::invalid_argument("linear probe: empty feature set");
  if (train.size(1) != test.size(1)) throw std::invalid_argument("linear probe: train and test features differ in dimension");
  torch::NoGradGuard outer;
  const auto device = train.device();
  auto x = train.to(torch::kFloat32).clone(), xt = test.to(device, torch::kFloat32).clone();
  if (!torch::isfinite(x).all().item<bool>() || !torch::isfinite(xt).all().item<bool>())
    throw std::invalid_argument("linear probe: features contain NaN or infinity");
  auto y = train_labels.to(device), yt = test_labels.to(device);
  auto mean = x.mean(0, true), stdev = x.std(0, true, true).clamp_min(1e-6);
  x = (x - mean) / stdev;
  xt = (xt - mean) / stdev;
  auto weight = torch::zeros({x.size(1), classes}, x.options().requires_grad(true));
  auto bias = torch::zeros({classes}, x.options().requires_grad(true));
  // Multinomial logistic regression is smooth and convex: L-BFGS with a strong-Wolfe line search
  // reaches its optimum in a few dozen full-batch evaluations, where Adam needed hundreds.
  torch::optim::LBFGS optimizer({weight, bias}, torch::optim::LBFGSOptions(1.0)
                                                    .max_iter(o.iterations)
                                                    .history_size(10)
                                                    .line_search_fn("strong_wolfe"));
  {
    torch::AutoGradMode grad(true);
    optimizer.step([&] {
      optimizer.zero_grad();
      auto loss = torch::nn::functional::cross_entropy(x.mm(weight) + bias, y) +
                  0.5 * o.weight_decay * weight.pow(2).sum();
      loss.backward();
      return loss;
    });
  }
  ProbeReport r;
  r.top1 = ((xt.mm(weight) + bias).argmax(1) == yt).to(torch::kFloat64).mean().item<double>();
  r.seconds = seconds_since(start);
  return r;
}

Floors knn_floors(const Config& config, const ImageDataset& d, const KnnOptions& o) {
  if (auto why = labels_unavailable(d); !why.empty()) throw std::invalid_argument(why);
  torch::NoGradGuard no_grad;
  const ImageSplit& bank = d.knn_bank();
  auto bank_images = bank.images, test_images = d.test.images;
  auto bank_labels = bank.labels, test_labels = d.test.labels;
  if (o.bank_size > 0 && o.bank_size < bank.size()) {
    bank_images = bank_images.slice(0, 0, o.bank_size);
    bank_labels = bank_labels.slice(0, 0, o.bank_size);
  }
  if (o.test_size > 0 && o.test_size < d.test.size()) {
    test_images = test_images.slice(0, 0, o.test_size);
    test_labels = test_labels.slice(0, 0, o.test_size);
  }
  // On the run's device: a ResNet-18 over 70 000 images took minutes on a 16-core host's CPU
  // beside an idle GPU (issue 12).
  const torch::Device device = resolve_device(config.run.device);
  auto [mean, stdev] = channel_stats(d.train.images);
  Augmenter prep(config.augment, d.channels(), d.height(), d.width(), mean, stdev);
  const int64_t classes = int64_t(d.class_names.size());
  Floors f;
  f.pixel_knn_top1 = knn_evaluate(pixel_features(bank_images.to(device), prep), bank_labels,
                                  pixel_features(test_images.to(device), prep), test_labels, classes,
                                  std::min(o.k, bank_images.size(0)), o.t)
                         .top1;
  auto encoder = initial_encoder(config, d.channels(), config.run.seed);  // what a run with this seed starts from
  encoder->to(device);
  f.random_encoder_knn_top1 =
      knn_evaluate(extract_features(*encoder, bank_images, prep, device), bank_labels,
                   extract_features(*encoder, test_images, prep, device), test_labels, classes,
                   std::min(o.k, bank_images.size(0)), o.t)
          .top1;
  return f;
}

}  // namespace moco
