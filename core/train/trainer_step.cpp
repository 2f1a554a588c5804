// Trainer's step: the mechanism's forward pass, the check that the loss is finite, the update, and
// the per-step metrics, read at once or (deferred_metrics) one step late, so a GPU step never waits
// for the host. Deferred, a non-finite loss is found after its step was applied and the next one
// queued; the snapshot taken before it puts everything back.
#include <chrono>
#include <cmath>

#include "runtime/rng.h"
#include "train/dist_step.h"
#include "train/lr_schedule.h"
#include "train/mechanisms.h"
#include "train/trainer.h"

namespace moco {
namespace {

using Clock = std::chrono::steady_clock;

// The order of the values a step sends to the host.
enum SummaryIndex { kLoss, kAccuracy, kPositiveCosine, kNegativeCosine, kKeyDrift, kSummarySize };

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void set_duration(StepMetrics& m, double seconds, int64_t batch) {
  m.step_seconds = seconds;
  m.images_per_second = seconds > 0 ? 2.0 * double(batch) / seconds : 0.0;  // both views
}

}  // namespace

StepMetrics Trainer::step() {
  const auto start = Clock::now();
  advance();
  settle();
  auto read = take_metrics();
  auto m = read.back();
  set_duration(m, seconds_since(start), config_.optim.batch_size * world_->size());  // the augmentation and the read included
  return m;
}

void Trainer::advance() {
  const auto start = Clock::now();
  advance_on_views(next_views());
  // Include the augmentation in the step's time.
  auto& m = deferred_ ? pending_.back().metrics : ready_.back();
  set_duration(m, seconds_since(start), config_.optim.batch_size * world_->size());
}

StepMetrics Trainer::step_on_views(const Views& views) {
  advance_on_views(views);
  settle();
  return take_metrics().back();
}

void Trainer::settle() {
  while (!pending_.empty()) settle_oldest();
}

std::vector<StepMetrics> Trainer::take_metrics() {
  std::vector<StepMetrics> out;
  out.swap(ready_);
  return out;
}

void Trainer::advance_on_views(const Views& views) {
  const auto start = Clock::now();
  const auto& c = config_;
  const double lr = learning_rate(c.optim, c.optim.lr * double(world_->size()), step_, schedule_steps());
  for (auto& group : optimizer_->param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);

  StepMetrics m;
  m.step = step_ + 1;
  m.epoch = step_ / steps_per_epoch_;
  m.steps_per_epoch = steps_per_epoch_;
  const bool queue = c.moco.mechanism == Mechanism::Queue;
  m.chance_loss = std::log(double(negatives_per_query(c)) + 1.0) * (queue && c.moco.symmetric ? 2.0 : 1.0);
  m.lr = lr;
  m.momentum = c.moco.momentum;
  m.temperature = c.moco.temperature;

  // The two slots alternate: the pending step's snapshot survives while this step takes the other.
  const int64_t slot = step_ % 2;
  if (deferred_) {
    std::vector<torch::Tensor> also;
    if (scaler_) also = {scaler_->scale_tensor(), scaler_->growth_tracker()};
    snapshots_[slot].capture(model_, *optimizer_, bank_.get(), also);
  } else {
    model_.remember_pre_step_state();  // undone in forward_and_apply if the loss is not finite
  }
  auto summary = forward_and_apply(views, m);
  step_ += 1;
  if (queue) {
    m.queue_fill = model_.queue.fill_fraction();
    std::tie(m.queue_age_mean, m.queue_age_max) = model_.queue.age_stats(step_ - 1);
  } else if (bank_) {
    m.queue_fill = bank_->fill_fraction();
    std::tie(m.queue_age_mean, m.queue_age_max) = bank_->age_stats(step_ - 1);
  } else {
    m.queue_fill = 1.0;  // end-to-end: the negatives are this step's own keys, of age 0
  }
  set_duration(m, seconds_since(start), c.optim.batch_size * world_->size());
  pending_.push_back({m, ScalarReadout(summary), slot});
  // Deferred: read the previous step now that this one is queued behind it.
  if (!deferred_ || pending_.size() > 1) settle_oldest();
}

torch::Tensor Trainer::forward_and_apply(const Views& views, const StepMetrics& m) {
  const auto& c = config_;
  MechanismForward f;
  switch (c.moco.mechanism) {
    case Mechanism::Queue: {
      auto shuffle_gen = make_generator(c.run.seed, RngStream::KeyShuffle, uint64_t(step_));
      f = world_->distributed() ? queue_forward_across(*world_, model_, c, views.ids, views.query, views.key, shuffle_gen)
                                : queue_forward(model_, c, views.ids, views.query, views.key, shuffle_gen);
      break;
    }
    case Mechanism::EndToEnd: f = end_to_end_forward(model_, c, views.query, views.key); break;
    case Mechanism::MemoryBank: {
      auto sample_gen = make_generator(c.run.seed, RngStream::BankSample, uint64_t(step_));
      f = memory_bank_forward(model_, *bank_, c, views.ids, views.query, sample_gen);
      break;
    }
  }
  auto& loss = f.loss;
  if (!deferred_) {
    double loss_value = loss.item<double>();
    if (world_->distributed()) {  // the mean over the ranks: every rank takes the same decision below
      auto mean = torch::tensor({loss_value}, torch::kFloat64).to(model_.device);
      world_->allreduce_sum(mean);
      loss_value = mean.item<double>() / double(world_->size());
    }
    if (!std::isfinite(loss_value)) {
      model_.restore_pre_step_state();
      fail(loss_value, m);
    }
  }
  optimizer_->zero_grad();
  if (scaler_) {
    scaler_->scale(loss).backward();
    reducer_->average();  // before unscaling: every rank then finds the same overflow
    const auto found_inf = scaler_->unscale(model_.query->parameters());
    // Skipping the update needs the answer on the host: fp16's one synchronisation a step, as with
    // PyTorch's GradScaler. An overflow is the scale's fault, not the run's: no error.
    if (found_inf.item<float>() == 0.0f) optimizer_->step();
    scaler_->update(found_inf);
  } else {
    loss.backward();
    reducer_->average();  // no-op for one process
    optimizer_->step();
  }
  if (c.moco.mechanism == Mechanism::Queue) model_.queue.enqueue(f.keys, f.key_ids, step_);
  if (bank_) bank_->update(views.ids, f.queries, step_);

  torch::NoGradGuard no_grad;
  const auto as_double = [](const torch::Tensor& t) { return t.to(torch::kFloat64); };
  auto cosines = f.logits * c.moco.temperature;
  auto drift = c.moco.mechanism == Mechanism::Queue ? model_.key_drift_tensor()
                                                    : torch::zeros({}, cosines.options().dtype(torch::kFloat64));
  auto summary = torch::stack({as_double(loss.detach()), as_double((f.logits.argmax(1) == 0).to(torch::kFloat32).mean()),
                               as_double(cosines.select(1, 0).mean()), as_double(cosines.slice(1, 1).mean()), drift});
  if (world_->distributed()) {  // equal rows per rank: the mean of the ranks' means is the global mean
    world_->allreduce_sum(summary);
    summary.div_(double(world_->size()));
  }
  return summary;
}

void Trainer::settle_oldest() {
  auto step = std::move(pending_.front());
  pending_.pop_front();
  const auto values = step.readout.read();
  auto& m = step.metrics;
  if (!std::isfinite(values[kLoss])) {
    // Only deferred: immediate mode refused the step before applying it.
    snapshots_[step.snapshot].restore(model_, *optimizer_);
    step_ = m.step - 1;
    pending_.clear();  // a later step was built on the bad one; the steps read before it stay in ready_
    fail(values[kLoss], m);
  }
  m.loss = values[kLoss];
  m.instance_acc1 = values[kAccuracy];
  m.positive_cosine = values[kPositiveCosine];
  m.negative_cosine = values[kNegativeCosine];
  m.key_drift = values[kKeyDrift];
  ready_.push_back(m);
}

void Trainer::fail(double loss, const StepMetrics& at_step) {
  throw NonFiniteLossError("loss became " + std::to_string(loss) + " at step " + std::to_string(at_step.step) + " (lr " +
                           std::to_string(at_step.lr) + ", tau " + std::to_string(at_step.temperature) +
                           "): training stopped; the model is as it was before this step and the last checkpoint is intact");
}

}  // namespace moco
