#include "train/trainer.h"

#include "api/fields.h"
#include "runtime/device.h"
#include "runtime/gpu_memory.h"
#include "api/host_allocator.h"
#include "train/dist_step.h"
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

torch::Device device_for(const Config& config, const World* world) {
  tune_host_allocator();  // before the first step's tensors: a step's memory is then reused, not refaulted
  configure_threads(config.run.threads);
  const auto resolved = resolve_device(config.run.device);
  // One GPU per process of this machine.
  const torch::Device device =
      resolved.is_cuda() && world && world->distributed() ? torch::Device(torch::kCUDA, world->local_rank()) : resolved;
  check_fits_device(config, device);  // validate() checked the RAM; a GPU is usually smaller
  return device;
}

std::shared_ptr<World> world_or_single(std::shared_ptr<World> world) {
  return world ? std::move(world) : std::make_shared<World>();
}

}  // namespace

Trainer::Trainer(Config config, std::shared_ptr<const ImageDataset> dataset, TrainerOptions options)
    : config_(validated(std::move(config))),
      dataset_(std::move(dataset)),
      augmenter_(make_augmenter(config_, *dataset_)),
      model_(config_, dataset_->channels(), device_for(config_, options.world.get()), config_.run.seed),
      world_(world_or_single(options.world)) {
  const int64_t n = dataset_->train.size();
  const int64_t global_batch = config_.optim.batch_size * world_->size();
  if (n < global_batch)
    throw std::invalid_argument("optim.batch_size " + std::to_string(config_.optim.batch_size) + " x " +
                                std::to_string(world_->size()) + " processes is larger than the training set (" +
                                std::to_string(n) + " images)");
  steps_per_epoch_ = n / global_batch;  // the last partial batch is dropped, as the reference
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
  // Distributed: read at once, so that every rank decides on the same (averaged) loss together.
  deferred_ = !world_->distributed() && options.deferred_metrics.value_or(model_.device.is_cuda());
  if (model_.precision() == Precision::Fp16) scaler_ = std::make_unique<GradScaler>(model_.device);
  // --- distributed: rank 0's weights and queue everywhere, gradients averaged after backward.
  if (world_->distributed()) {
    if (config_.moco.mechanism != Mechanism::Queue)
      throw std::invalid_argument("moco.mechanism " + to_string(config_.moco.mechanism) +
                                  ": only the queue trains across processes (run it with one process)");
    std::vector<torch::Tensor> state = model_.query->parameters();
    for (const auto& t : model_.query->buffers()) state.push_back(t);
    for (const auto& t : model_.key->parameters()) state.push_back(t);
    for (const auto& t : model_.key->buffers()) state.push_back(t);
    state.push_back(model_.queue.keys());
    broadcast_tensors(*world_, state, 0);
  }
  reducer_ = std::make_unique<GradReducer>(*world_, model_.query->parameters());
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

torch::Tensor Trainer::global_batch_indices(int64_t step) {
  const int64_t b = config_.optim.batch_size * world_->size();
  const int64_t in_epoch = step % steps_per_epoch_;
  return epoch_order(step / steps_per_epoch_).slice(0, in_epoch * b, (in_epoch + 1) * b);
}

torch::Tensor Trainer::batch_indices(int64_t step) { return rank_rows(global_batch_indices(step), *world_); }

AugmentParams Trainer::augment_params_of_step(int64_t step, int view, int64_t n) const {
  auto gen = make_generator(config_.run.seed, view == 0 ? RngStream::AugmentQuery : RngStream::AugmentKey, uint64_t(step));
  return augmenter_.sample(n, gen);
}

Trainer::Views Trainer::next_views() {
  // The global batch's augmentation is drawn whole and sliced per rank: W processes see the same
  // views of the same samples as one process with W x the batch.
  const int64_t b = config_.optim.batch_size * world_->size();
  Views v;
  v.ids = global_batch_indices(step_);
  auto mine = rank_rows(v.ids, *world_).contiguous();
  // Pinned and non-blocking on a GPU: a plain host-to-device copy would synchronise the stream.
  auto ids = model_.device.is_cuda() ? mine.pin_memory().to(model_.device, /*non_blocking=*/true) : mine;
  auto images = train_images_.index_select(0, ids);
  v.query = augmenter_.apply(images, rank_rows(augment_params_of_step(step_, 0, b), *world_));
  v.key = augmenter_.apply(images, rank_rows(augment_params_of_step(step_, 1, b), *world_));
  return v;
}

}  // namespace moco
