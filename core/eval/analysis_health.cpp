// Representation health (alignment, uniformity, collapse, effective rank) and the consistency of
// the stored negatives (queue, memory bank) with the current encoder.
#include <cmath>
#include <map>

#include "api/analysis.h"
#include "runtime/rng.h"
#include "train/trainer.h"

namespace moco {
namespace {

HealthReport health_of_tensors(const torch::Tensor& x, const torch::Tensor& x_pos) {
  HealthReport h;
  const int64_t n = x.size(0), dim = x.size(1);
  h.alignment = (x - x_pos).pow(2).sum(1).mean().item<double>();
  // Over distinct pairs i < j (Wang & Isola's pdist).
  auto sq = torch::cdist(x, x).pow(2);
  auto upper = torch::triu(torch::ones({n, n}, torch::kBool), 1);
  h.uniformity = sq.masked_select(upper).mul(-2).exp().mean().log().item<double>();
  h.feature_std = x.std(0).mean().item<double>();
  h.ideal_std = 1.0 / std::sqrt(double(dim));
  auto centred = x - x.mean(0, true);
  auto eigen = at::linalg_eigvalsh(centred.t().mm(centred) / double(std::max<int64_t>(1, n - 1)), "L").clamp_min(0);
  auto p = eigen / eigen.sum().clamp_min(1e-12);
  h.effective_rank = std::exp(-(p * (p + 1e-12).log()).sum().item<double>());
  return h;
}

// Up to max_steps of the writing steps (the keys of `by_step`), spread evenly from the oldest to
// the newest.
std::vector<int64_t> spread_steps(const std::map<int64_t, std::vector<int64_t>>& by_step, int64_t max_steps) {
  std::vector<int64_t> steps;
  for (const auto& entry : by_step) steps.push_back(entry.first);
  std::vector<int64_t> chosen;
  const int64_t pick = std::min<int64_t>(max_steps, int64_t(steps.size()));
  for (int64_t i = 0; i < pick; ++i) {
    const int64_t at = pick == 1 ? int64_t(steps.size()) - 1 : i * (int64_t(steps.size()) - 1) / (pick - 1);
    if (chosen.empty() || chosen.back() != steps[size_t(at)]) chosen.push_back(steps[size_t(at)]);
  }
  return chosen;
}

// The memory bank: each entry against its image re-encoded now by the query encoder, from the
// query view of the step that last wrote it. The entry is a running mix (0.5 old + 0.5 new), so
// even a frozen encoder gives less than 1; the fall with age is the inconsistency Wu et al.'s bank
// suffers and the momentum encoder avoids. Points' `slot` is the entry's image index.
ConsistencyReport memory_bank_consistency(Trainer& trainer, int64_t max_steps) {
  torch::NoGradGuard no_grad;
  ConsistencyReport report;
  report.step = trainer.steps_done();
  const MemoryBank& bank = *trainer.memory_bank();
  std::map<int64_t, std::vector<int64_t>> ids_by_step;
  auto written = bank.written_at().accessor<int64_t, 1>();
  for (int64_t id = 0; id < bank.size(); ++id)
    if (written[id] >= 0) ids_by_step[written[id]].push_back(id);
  if (ids_by_step.empty()) return report;
  auto& query = *trainer.model().query;
  std::vector<torch::Tensor> saved_buffers;
  for (auto& b : query.buffers()) saved_buffers.push_back(b.clone());
  const int64_t batch = trainer.config().optim.batch_size;
  double sum = 0;
  for (int64_t step : spread_steps(ids_by_step, max_steps)) {
    auto ids = trainer.batch_indices(step);
    auto images = trainer.dataset().train.images.index_select(0, ids).to(trainer.device());
    auto q = trainer.model().encode_queries(trainer.augmenter().apply(images, trainer.augment_params_of_step(step, 0, batch)));
    std::map<int64_t, int64_t> row_of;
    for (int64_t row = 0; row < ids.size(0); ++row) row_of[ids[row].item<int64_t>()] = row;
    for (int64_t id : ids_by_step[step]) {
      const double cosine = (bank.features()[id] * q[row_of.at(id)]).sum().item<double>();
      report.points.push_back({id, report.step - 1 - step, cosine});
      sum += cosine;
    }
  }
  auto buffers = query.buffers();
  for (size_t i = 0; i < buffers.size(); ++i) buffers[i].copy_(saved_buffers[i]);
  report.mean_cosine = sum / double(report.points.size());
  return report;
}

}  // namespace

HealthReport health_of(const std::vector<float>& x, const std::vector<float>& x_pos, int64_t n, int64_t dim) {
  if (n < 2 || int64_t(x.size()) != n * dim || x.size() != x_pos.size())
    throw std::invalid_argument("health: need at least 2 rows of equal size in both views");
  auto a = torch::from_blob(const_cast<float*>(x.data()), {n, dim}, torch::kFloat32).to(torch::kFloat64);
  auto b = torch::from_blob(const_cast<float*>(x_pos.data()), {n, dim}, torch::kFloat32).to(torch::kFloat64);
  return health_of_tensors(a, b);
}

HealthReport representation_health(Trainer& trainer, int64_t count) {
  torch::NoGradGuard no_grad;
  const auto& d = trainer.dataset();
  count = std::min(count, d.train.size());
  auto& encoder = *trainer.model().query;
  const bool was_training = encoder.is_training();
  encoder.eval();
  auto images = d.train.images.slice(0, 0, count).to(trainer.device());
  // Fixed views (a stream of their own) so successive reports compare like with like.
  auto gen_a = make_generator(trainer.config().run.seed, RngStream::Probe, 0);
  auto gen_b = make_generator(trainer.config().run.seed, RngStream::Probe, 1);
  const auto& aug = trainer.augmenter();
  auto x = l2_normalize(encoder.forward(aug.apply(images, aug.sample(count, gen_a)))).cpu().to(torch::kFloat64);
  auto y = l2_normalize(encoder.forward(aug.apply(images, aug.sample(count, gen_b)))).cpu().to(torch::kFloat64);
  encoder.train(was_training);
  auto h = health_of_tensors(x, y);
  h.step = trainer.steps_done();
  return h;
}

std::vector<int64_t> queue_slot_ages(Trainer& trainer, int64_t* step) {
  if (step) *step = trainer.steps_done();
  // The stored negatives: the memory bank's entries for that mechanism, else the queue's slots.
  const MemoryBank* bank = trainer.memory_bank();
  auto written = bank ? bank->written_at() : trainer.model().queue.written_at();
  auto ages = torch::where(written >= 0, (trainer.steps_done() - 1) - written, torch::full_like(written, -1)).contiguous();
  return std::vector<int64_t>(ages.data_ptr<int64_t>(), ages.data_ptr<int64_t>() + ages.numel());
}

ConsistencyReport queue_consistency(Trainer& trainer, int64_t max_steps) {
  if (trainer.config().moco.mechanism == Mechanism::MemoryBank) return memory_bank_consistency(trainer, max_steps);
  torch::NoGradGuard no_grad;
  ConsistencyReport report;
  report.step = trainer.steps_done();
  if (trainer.config().moco.mechanism == Mechanism::EndToEnd) {
    // The negatives are this step's views through the current encoder: fresh, age 0, cosine 1.
    report.points.push_back({0, 0, 1.0});
    report.mean_cosine = 1.0;
    return report;
  }
  auto& model = trainer.model();
  const auto& queue = model.queue;
  const Config config = trainer.config();
  // The whole batch of a step (every rank's in a data-parallel run, where the queue's batch rows
  // count over it; encoded here by this process alone, an approximation of the shuffle across them).
  const int64_t batch = config.optim.batch_size * trainer.world().size();
  // Slots grouped by the step that wrote them.
  std::map<int64_t, std::vector<int64_t>> slots_by_step;
  auto written = queue.written_at();
  for (int64_t slot = 0; slot < queue.size(); ++slot) {
    const int64_t step = written[slot].item<int64_t>();
    if (step >= 0) slots_by_step[step].push_back(slot);
  }
  if (slots_by_step.empty()) return report;
  const auto chosen = spread_steps(slots_by_step, max_steps);
  auto& key = *model.key;
  std::vector<torch::Tensor> saved_buffers;
  for (auto& b : key.buffers()) saved_buffers.push_back(b.clone());
  const auto& aug = trainer.augmenter();
  const auto& images_all = trainer.dataset().train.images;
  double sum = 0;
  for (int64_t step : chosen) {
    // Re-encode the batch of `step` as Trainer::step did: same images, views and shuffle.
    auto ids = trainer.global_batch_indices(step);
    auto images = images_all.index_select(0, ids).to(model.device);
    auto x_k = aug.apply(images, trainer.augment_params_of_step(step, 1, batch));
    auto shuffle = make_generator(config.run.seed, RngStream::KeyShuffle, uint64_t(step));
    auto keys = model.encode_keys(x_k, shuffle);
    if (config.moco.symmetric) {
      auto x_q = aug.apply(images, trainer.augment_params_of_step(step, 0, batch));
      keys = torch::cat({model.encode_keys(x_q, shuffle), keys});
    }
    for (int64_t slot : slots_by_step[step]) {
      const int64_t row = queue.batch_rows()[slot].item<int64_t>();
      const double cosine = (queue.keys().select(1, slot) * keys[row]).sum().item<double>();
      report.points.push_back({slot, report.step - 1 - step, cosine});
      sum += cosine;
    }
  }
  auto buffers = key.buffers();
  for (size_t i = 0; i < buffers.size(); ++i) buffers[i].copy_(saved_buffers[i]);
  report.mean_cosine = report.points.empty() ? 0 : sum / double(report.points.size());
  return report;
}

}  // namespace moco
