// The pieces of a MoCo step that differ when several processes train together (the paper's
// multi-GPU MoCo): which rows of the global batch a rank takes, and the keys encoded with shuffle
// BN across processes. With one process none of this runs (Trainer keeps its split-BN path).
#pragma once

#include <torch/torch.h>

#include "api/config.h"
#include "augment/augment.h"
#include "dist/process_group.h"
#include "model/moco_model.h"
#include "train/mechanisms.h"

namespace moco {

// Rank r of W takes the global batch's rows r, r + W, r + 2W ...: interleaved, so that a
// one-process run with bn_splits = W (samples n and n' share BN statistics when n % W == n' % W)
// sees exactly the BN groups of W processes without split BN.
torch::Tensor rank_rows(const torch::Tensor& global, const World& world);
AugmentParams rank_rows(const AugmentParams& global, const World& world);

struct SharedKeys {
  torch::Tensor local;   // this rank's rows, normalised
  torch::Tensor global;  // every rank's, in global batch order (what the queue enqueues)
};
// Shuffle BN across processes: the key batch all-gathered, permuted by rank 0's permutation
// (drawn from `shuffle_generator`, broadcast), each rank encoding every W-th row of the permuted
// batch, the keys all-gathered and unshuffled. No gradients.
SharedKeys encode_keys_across(World& world, MocoModel& model, const torch::Tensor& x_local,
                              at::Generator& shuffle_generator);

// queue_forward (mechanisms.h) for W processes: `global_ids` are the whole batch's samples; the
// keys returned for the queue are the all-gathered ones, so every rank enqueues the same keys.
MechanismForward queue_forward_across(World& world, MocoModel& model, const Config& c, const torch::Tensor& global_ids,
                                      const torch::Tensor& x_q, const torch::Tensor& x_k, at::Generator& shuffle_generator);

}  // namespace moco
