// The memory bank of Wu et al. 2018 ("instance discrimination"), the second baseline of the MoCo
// paper (§3.2, Fig. 3): one L2-normalised feature per training image. Each step samples K
// negatives uniformly from the bank, never the query's own entry; after the step the entry of each
// batch image moves to its query feature, v <- normalize(0.5 v + 0.5 q).
//
// The positive of a query is the bank entry of its own image, as in Wu et al. (not a key of a
// second view): that is the mechanism the MoCo paper compares against, and it keeps the step at one
// forward pass, so its cost matches the paper's argument (cheap, but the entries were written by
// encoders of up to an epoch ago and are inconsistent with one another).
#pragma once

#include <torch/torch.h>

namespace moco {

class MemoryBank {
 public:
  // Mixing weight of the old entry: v <- normalize(kMomentum v + (1 - kMomentum) q) (Wu et al.).
  static constexpr double kMomentum = 0.5;

  // `size` entries (one per training image) of `dim` random unit vectors, as Wu et al. start.
  MemoryBank(int64_t size, int64_t dim, at::Generator& generator, torch::Device device);

  // Indices (N x k, int64, on the bank's device) of k entries drawn uniformly with replacement
  // from all but each row's own entry `ids[i]`.
  torch::Tensor sample_negatives(const torch::Tensor& ids, int64_t k, at::Generator& generator) const;
  // The update rule for the batch images `ids` (distinct) with their query features q (N x dim,
  // normalised), written at `step`.
  void update(const torch::Tensor& ids, const torch::Tensor& q, int64_t step);

  const torch::Tensor& features() const { return features_; }      // size x dim, on the device
  const torch::Tensor& written_at() const { return written_at_; }  // int64 size (CPU), -1 = never
  int64_t size() const { return features_.size(0); }
  int64_t dim() const { return features_.size(1); }

  double fill_fraction() const;
  // Mean and max age in steps of the written entries at `step` (0 when none is written).
  std::pair<double, double> age_stats(int64_t step) const;

  // For checkpoints.
  void restore(const torch::Tensor& features, const torch::Tensor& written_at);

 private:
  torch::Tensor features_, written_at_;
};

}  // namespace moco
