#include "train/mechanisms.h"

#include "runtime/device.h"

namespace moco {

MechanismForward queue_forward(MocoModel& model, const Config& c, const torch::Tensor& ids, const torch::Tensor& x_q,
                               const torch::Tensor& x_k, at::Generator& shuffle_generator) {
  model.momentum_update(c.moco.momentum);  // before the keys are computed, as Algorithm 1
  auto result = model.contrastive(x_q, x_k, c.moco.temperature, shuffle_generator);
  MechanismForward f{result.loss, result.logits, result.keys, ids, {}};
  if (c.moco.symmetric) {
    auto reverse = model.contrastive(x_k, x_q, c.moco.temperature, shuffle_generator);
    f.loss = f.loss + reverse.loss;  // summed, as the CIFAR demo
    f.keys = torch::cat({reverse.keys, result.keys});
    f.key_ids = torch::cat({ids, ids});
  }
  return f;
}

MechanismForward end_to_end_forward(MocoModel& model, const Config& c, const torch::Tensor& x_q, const torch::Tensor& x_k) {
  auto logits = nt_xent_logits(model.encode_queries(x_q), model.encode_queries(x_k), c.moco.temperature);
  return {infonce_loss(logits), logits.detach(), {}, {}, {}};
}

MechanismForward memory_bank_forward(MocoModel& model, const MemoryBank& bank, const Config& c, const torch::Tensor& ids,
                                     const torch::Tensor& x_q, at::Generator& sample_generator) {
  auto q = model.encode_queries(x_q);
  auto own = to_device_async(ids, bank.features().device());
  auto drawn = bank.sample_negatives(ids, c.moco.queue_size, sample_generator);  // N x K entries
  auto logits = bank_infonce_logits(q, bank.features(), own, drawn, c.moco.temperature);
  return {infonce_loss(logits), logits.detach(), {}, {}, q.detach()};
}

int64_t negatives_per_query(const Config& c) {
  return c.moco.mechanism == Mechanism::EndToEnd ? 2 * c.optim.batch_size - 2 : c.moco.queue_size;
}

}  // namespace moco
