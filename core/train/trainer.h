// One MoCo training run: data order, both augmented views, the MoCo step, SGD with its schedule,
// per-step metrics, live changes of m / tau / lr / augmentation, and checkpoints. It knows nothing
// of who listens: callers pull StepMetrics from step() (training_loop.h runs it). Single-threaded:
// only the thread that steps it touches it (a TrainingSession hands other threads' changes over
// between two steps).
#pragma once

#include <torch/torch.h>

#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "augment/augment.h"
#include "api/config.h"
#include "data/dataset.h"
#include "dist/grad_bucket.h"
#include "dist/process_group.h"
#include "api/metrics.h"
#include "model/memory_bank.h"
#include "model/moco_model.h"
#include "train/grad_scaler.h"
#include "train/scalar_readout.h"
#include "train/step_snapshot.h"

namespace moco {

// Thrown when the loss is NaN or infinite; the model is left as it was before that step.
class NonFiniteLossError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TrainerOptions {
  // Read each step's scalar metrics (loss, accuracy, cosines, key drift) one step late, once the
  // next step is queued, so a GPU never idles while the host waits for a number. Unset: on CUDA
  // only (on the CPU reading at once costs nothing). Tests force it on the CPU.
  std::optional<bool> deferred_metrics;
  // This trainer as one rank of a data-parallel run of W > 1 processes (dist/process_group.h):
  // optim.batch_size is per process (effective batch W x batch_size, lr scaled by W as the linear
  // rule of OptimConfig::lr says), keys use shuffle BN across processes, gradients are averaged and
  // every rank holds the same parameters and queue. Metrics are read at once (a collective decides
  // whether a loss is finite, on every rank alike). Null: one process.
  std::shared_ptr<World> world;
};

class Trainer {
 public:
  // Validates the config (std::invalid_argument listing every issue) and builds the run.
  Trainer(Config config, std::shared_ptr<const ImageDataset> dataset, TrainerOptions options = {});

  // One iteration and its metrics, read at once (with deferred metrics: advance() then settle()).
  // When the loss is not finite it throws NonFiniteLossError and leaves the model as it was before
  // the step (parameters, BN statistics, queue or bank, optimizer and step count).
  StepMetrics step();

  // One iteration whose metrics are collected by take_metrics(). Immediate: read at once, and a
  // non-finite loss throws before the step is applied, as step(). Deferred: read during the next
  // advance() or settle(); a loss found not finite then throws NonFiniteLossError naming that step,
  // with everything put back as it was before it (the later step already queued is dropped too).
  void advance();
  // Reads the step still pending (a synchronisation on a GPU); throws as advance(). Before a
  // checkpoint, an evaluation, a pause or the end, so they see a step known to be finite.
  void settle();
  // The metrics read so far, oldest first, and forgets them.
  std::vector<StepMetrics> take_metrics();
  bool deferred_metrics() const { return deferred_; }
  // Steps taken whose metrics are not read yet (0 or 1).
  int64_t steps_pending() const { return int64_t(pending_.size()); }

  // The two parts of step(), for benchmarks: the batch and its two augmented views for the next
  // step, and one MoCo iteration on given views (e.g. the same fixed views again and again).
  struct Views {
    torch::Tensor ids, query, key;  // ids: the global batch's samples (this rank's views are rank_rows of it)
  };
  Views next_views();
  StepMetrics step_on_views(const Views& views);
  void advance_on_views(const Views& views);

  int64_t steps_done() const { return step_; }
  int64_t steps_per_epoch() const { return steps_per_epoch_; }
  // The lr schedule's horizon: run.total_steps, else run.epochs x steps per epoch.
  int64_t schedule_steps() const;

  // Live changes (the fields is_live_field names), in force from the next step. set_live takes
  // every live field of `requested` and ignores the rest; std::invalid_argument when the result is
  // not a valid configuration (nothing changes then).
  void set_live(const Config& requested);
  void set_momentum(double m);
  void set_temperature(double tau);
  void set_learning_rate(double base_lr);
  void set_augmentation(const TransformConfig& augment);

  // The config in force, live changes included (what a checkpoint records).
  const Config& config() const { return config_; }
  torch::Device device() const { return model_.device; }
  const ImageDataset& dataset() const { return *dataset_; }
  MocoModel& model() { return model_; }
  // The memory bank of moco.mechanism memory_bank; null for the other mechanisms.
  const MemoryBank* memory_bank() const { return bank_.get(); }
  const Augmenter& augmenter() const { return augmenter_; }
  // Benchmarks: run the GPU's masked augmentation on any device (see Augmenter::force_masked).
  void set_masked_augmentation(bool on) { augmenter_.force_masked(on); }
  // Warning text when K is too large for the dataset (an image's own old key sits in the queue).
  std::optional<std::string> queue_warning() const;

  // Redraws the augmentation parameters step `step` used for its query (view 0) or key (view 1).
  AugmentParams augment_params_of_step(int64_t step, int view, int64_t n) const;
  // Training-set indices of the batch of step `step` (0-based): this rank's rows of the global batch
  // (every rank's batch, W x batch_size samples, is global_batch_indices).
  torch::Tensor batch_indices(int64_t step);
  torch::Tensor global_batch_indices(int64_t step);
  World& world() const { return *world_; }  // a World of one process when not distributed

  // Whole state, written to a temporary file and renamed (an interrupted save leaves the old one).
  // Settles a pending step first (see settle()): a checkpoint never holds an unchecked step.
  void save_checkpoint(const std::string& path);
  // Restores a checkpoint written by a trainer of the same config.
  void load_checkpoint(const std::string& path);

 private:
  const torch::Tensor& epoch_order(int64_t epoch);

  // A step applied but whose scalar metrics are still on their way from the device.
  struct PendingStep {
    StepMetrics metrics;    // what the host knew at once (step, lr, queue ages ...)
    ScalarReadout readout;  // loss, instance accuracy, positive and negative cosine, key drift
    int64_t snapshot = 0;   // the slot of snapshots_ holding the state before it
  };
  // The mechanism's forward pass of step step_, its loss checked (immediate mode) and applied; the
  // scalar metrics in SummaryIndex order, on the device. `m` names the step in an error.
  torch::Tensor forward_and_apply(const Views& views, const StepMetrics& m);
  // Reads the oldest pending step into ready_, or undoes it and throws when its loss is not finite.
  void settle_oldest();
  [[noreturn]] void fail(double loss, const StepMetrics& at_step);

  Config config_;
  std::shared_ptr<const ImageDataset> dataset_;
  Augmenter augmenter_;
  MocoModel model_;
  std::unique_ptr<MemoryBank> bank_;
  std::unique_ptr<torch::optim::SGD> optimizer_;
  torch::Tensor train_images_;  // on the training device
  int64_t steps_per_epoch_ = 0;
  int64_t step_ = 0;
  int64_t order_epoch_ = -1;
  torch::Tensor order_;
  bool deferred_ = false;
  std::unique_ptr<GradScaler> scaler_;  // fp16 only
  StepSnapshot snapshots_[2];           // deferred: the states before the pending and the current step
  std::deque<PendingStep> pending_;
  std::vector<StepMetrics> ready_;
  std::shared_ptr<World> world_;         // never null: a World of one process when none is given
  std::unique_ptr<GradReducer> reducer_;  // averages gradients over the world
};

// Reads the config stored in a checkpoint (to load its dataset before building the Trainer).
Config read_checkpoint_config(const std::string& path);

}  // namespace moco
