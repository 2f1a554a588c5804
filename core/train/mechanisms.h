// The forward pass of each way to get negatives (moco.mechanism), for Trainer::step: the loss, its
// logits for the metrics, and what the step writes back once the loss is known to be finite.
#pragma once

#include <torch/torch.h>

#include "api/config.h"
#include "model/memory_bank.h"
#include "model/moco_model.h"

namespace moco {

struct MechanismForward {
  torch::Tensor loss;    // scalar, differentiable w.r.t. f_q
  torch::Tensor logits;  // rows x (1 + negatives), positive in column 0, / tau, detached
  torch::Tensor keys, key_ids;  // queue: the keys to enqueue and their samples
  torch::Tensor queries;        // memory bank: the query features that update the batch's entries
};

// MoCo (Algorithm 1): momentum update, then queries against their keys and the queue (both
// directions, summed, when symmetric). The same operations in the same order as before mechanisms
// existed, so a queue run is unchanged bit for bit.
MechanismForward queue_forward(MocoModel& model, const Config& c, const torch::Tensor& ids, const torch::Tensor& x_q,
                               const torch::Tensor& x_k, at::Generator& shuffle_generator);
// End-to-end (SimCLR): both views through the query encoder with gradients, NT-Xent over the
// 2N − 2 other views of the batch.
MechanismForward end_to_end_forward(MocoModel& model, const Config& c, const torch::Tensor& x_q, const torch::Tensor& x_k);
// Memory bank (Wu et al.): queries of view one against their own entry and K sampled entries.
MechanismForward memory_bank_forward(MocoModel& model, const MemoryBank& bank, const Config& c, const torch::Tensor& ids,
                                     const torch::Tensor& x_q, at::Generator& sample_generator);

// Negatives each query is compared with: K (queue, memory bank) or 2N − 2 (end-to-end, batch N).
int64_t negatives_per_query(const Config& c);

}  // namespace moco
