// Gradient averaging across the ranks of a World, as PyTorch's DDP does it: the parameters' gradients
// grouped into flat buckets of about 25 MB (one collective per bucket instead of one per tensor),
// every bucket's allreduce started before the first is waited for (communication of one bucket
// overlaps the packing and unpacking of the others), then divided by the world size and copied back.
// Unlike DDP, the buckets start after backward has finished, not as their gradients become ready
// during it (that overlap would need per-parameter autograd hooks; not done).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "dist/process_group.h"

namespace moco {

class GradReducer {
 public:
  static constexpr int64_t kBucketBytes = 25 << 20;  // DDP's default bucket_cap_mb

  // `parameters` in the same order on every rank (the same model). Parameters without gradient
  // after backward take part with zeros, so that every rank sends buckets of the same size.
  GradReducer(World& world, std::vector<torch::Tensor> parameters, int64_t bucket_bytes = kBucketBytes);

  // After backward: every parameter's .grad becomes the mean over the ranks.
  void average();
  int64_t buckets() const { return int64_t(buckets_.size()); }

 private:
  World& world_;
  std::vector<torch::Tensor> parameters_;
  std::vector<std::vector<size_t>> buckets_;  // indices into parameters_
};

// Rank `root`'s values of every tensor on every rank (parameters and buffers at the start of a run).
void broadcast_tensors(World& world, const std::vector<torch::Tensor>& tensors, int root = 0);

}  // namespace moco
