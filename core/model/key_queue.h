// MoCo's dictionary: K keys (dim x K unit vectors) in a ring buffer with a write pointer. Each slot
// also remembers the step that wrote it (its age) and which sample it came from (-1: still the
// random initial key). Any K works: a batch that would pass the end is truncated at the wrap,
// as lightly does, instead of asserting K % batch == 0 like the reference.
#pragma once

#include <torch/torch.h>

namespace moco {

// Over the slots written so far (written_at >= 0; -1 = never): the fraction written, and the mean
// and max age in steps at `step` (0 when none is written). The queue and the memory bank share them.
double written_fraction(const torch::Tensor& written_at);
std::pair<double, double> write_age_stats(const torch::Tensor& written_at, int64_t step);

class KeyQueue {
 public:
  KeyQueue(int64_t dim, int64_t size, at::Generator& generator, torch::Device device);

  // Writes a batch of keys (B x dim, normalised) taken from `sample_ids` at `step`.
  void enqueue(const torch::Tensor& keys, const torch::Tensor& sample_ids, int64_t step);

  const torch::Tensor& keys() const { return keys_; }          // dim x K, on the training device
  const torch::Tensor& written_at() const { return written_at_; }  // int64 K (CPU), -1 = never
  const torch::Tensor& sample_ids() const { return sample_ids_; }  // int64 K (CPU), -1 = random
  // Row of each slot's key within the batch that wrote it (int64 K, CPU, -1 = random): with the
  // step, enough to re-encode the key from the same sample and augmentation.
  const torch::Tensor& batch_rows() const { return batch_rows_; }
  int64_t pointer() const { return pointer_; }
  int64_t size() const { return keys_.size(1); }
  int64_t dim() const { return keys_.size(0); }

  double fill_fraction() const;
  // Mean and max age in steps of the written slots, at `step` (0 when none is written).
  std::pair<double, double> age_stats(int64_t step) const;

  // For checkpoints.
  void restore(torch::Tensor keys, torch::Tensor written_at, torch::Tensor sample_ids, torch::Tensor batch_rows,
               int64_t pointer);

 private:
  torch::Tensor keys_, written_at_, sample_ids_, batch_rows_;
  int64_t pointer_ = 0;
};

}  // namespace moco
