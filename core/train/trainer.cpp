#include "train/trainer.h"

#include "runtime/device.h"
#include "runtime/gpu_memory.h"
#include "runtime/rng.h"

namespace moco {
namespace {

Config validated(Config config) {
  const auto issues = validate(config);
  if (!issues.empty()) throw std::invalid_argument("invalid configuration:\n" + describe(issues));
  return config;
}

Augmenter make_augmenter(const Config& config, const ImageDataset& data) {
  if (data.train.size() == 0) throw std::invalid_argument("dataset '" + data.name + "' has no training images");
  auto [mean, stdev] = channel_stats(data.train.images);
  return Augmenter(config.augment, data.channels(), data.height(), data.width(), mean, stdev);
}

torch::Device device_for(const Config& config) {
  configure_threads(config.run.threads);
  const torch::Device device = resolve_device(config.run.device);
  check_fits_device(config, device);  // validate() checked the RAM; a GPU is usually smaller
  return device;
}

}  // namespace

Trainer::Trainer(Config config, std::shared_ptr<const ImageDataset> dataset, TrainerOptions options)
    : config_(validated(std::move(config))),
      dataset_(std::move(dataset)),
      augmenter_(make_augmenter(config_, *dataset_)),
      model_(config_, dataset_->channels(), device_for(config_), config_.run.seed) {
  const int64_t n = dataset_->train.size();
  if (n < config_.optim.batch_size)
    throw std::invalid_argument("optim.batch_size " + std::to_string(config_.optim.batch_size) +
                                " is larger than the training set (" + std::to_string(n) + " images)");
  steps_per_epoch_ = n / config_.optim.batch_size;  // the last partial batch is dropped, as the reference
  train_images_ = dataset_->train.images.to(model_.device);
  if (config_.moco.mechanism == Mechanism::MemoryBank) {
    if (config_.moco.queue_size >= n)
      throw std::invalid_argument("moco.queue_size " + std::to_string(config_.moco.queue_size) +
                                  ": the memory bank samples its negatives among the other training images (" +
                                  std::to_string(n) + ")");
    auto gen = make_generator(config_.run.seed, RngStream::BankInit, 0);
    bank_ = std::make_unique<MemoryBank>(n, config_.model.feature_dim, gen, model_.device);
  }
  const auto& o = config_.optim;
  optimizer_ = std::make_unique<torch::optim::SGD>(
      model_.query->parameters(),
      torch::optim::SGDOptions(o.lr).momentum(o.sgd_momentum).weight_decay(o.weight_decay));
  deferred_ = options.deferred_metrics.value_or(model_.device.is_cuda());
  if (model_.precision() == Precision::Fp16) scaler_ = std::make_unique<GradScaler>(model_.device);
}

int64_t Trainer::schedule_steps() const {
  return config_.run.total_steps > 0 ? config_.run.total_steps : config_.run.epochs * steps_per_epoch_;
}

std::optional<std::string> Trainer::queue_warning() const {
  if (config_.moco.mechanism != Mechanism::Queue) return std::nullopt;
  const int64_t n = dataset_->train.size(), k = config_.moco.queue_size, b = config_.optim.batch_size;
  if (k < n - b) return std::nullopt;
  return "queue K = " + std::to_string(k) + " is not smaller than the training set minus a batch (" +
         std::to_string(n - b) + "): an image's own older key will sit in the queue as a negative";
}

void Trainer::set_live(const Config& requested) {
  Config next = config_;
  copy_live_fields(requested, next);
  const auto issues = validate(next);
  if (!issues.empty()) throw std::invalid_argument("live change rejected:\n" + describe(issues));
  config_ = std::move(next);
  augmenter_.set_config(config_.augment);
}

void Trainer::set_momentum(double m) {
  Config c = config_;
  c.moco.momentum = m;
  set_live(c);
}

void Trainer::set_temperature(double tau) {
  Config c = config_;
  c.moco.temperature = tau;
  set_live(c);
}

void Trainer::set_learning_rate(double base_lr) {
  Config c = config_;
  c.optim.lr = base_lr;
  set_live(c);
}

void Trainer::set_augmentation(const TransformConfig& augment) {
  Config c = config_;
  c.augment = augment;
  set_live(c);
}

const torch::Tensor& Trainer::epoch_order(int64_t epoch) {
  if (epoch != order_epoch_) {
    auto gen = make_generator(config_.run.seed, RngStream::DataOrder, uint64_t(epoch));
    order_ = torch::randperm(dataset_->train.size(), gen, torch::kInt64);
    order_epoch_ = epoch;
  }
  return order_;
}

torch::Tensor Trainer::batch_indices(int64_t step) {
  const int64_t b = config_.optim.batch_size;
  const int64_t in_epoch = step % steps_per_epoch_;
  return epoch_order(step / steps_per_epoch_).slice(0, in_epoch * b, (in_epoch + 1) * b);
}

AugmentParams Trainer::augment_params_of_step(int64_t step, int view, int64_t n) const {
  auto gen = make_generator(config_.run.seed, view == 0 ? RngStream::AugmentQuery : RngStream::AugmentKey, uint64_t(step));
  return augmenter_.sample(n, gen);
}

Trainer::Views Trainer::next_views() {
  const int64_t b = config_.optim.batch_size;
  Views v;
  v.ids = batch_indices(step_);
  // Pinned and non-blocking on a GPU: a plain host-to-device copy would synchronise the stream.
  auto ids = model_.device.is_cuda() ? v.ids.pin_memory().to(model_.device, /*non_blocking=*/true) : v.ids;
  auto images = train_images_.index_select(0, ids);
  v.query = augmenter_.apply(images, augment_params_of_step(step_, 0, b));
  v.key = augmenter_.apply(images, augment_params_of_step(step_, 1, b));
  return v;
}

}  // namespace moco
