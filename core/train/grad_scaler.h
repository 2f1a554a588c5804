// Dynamic loss scaling for fp16 training, as torch.cuda.amp.GradScaler: the loss is multiplied by
// a large scale before backward so small gradients survive fp16, the gradients are divided by it
// before the optimizer step, a step whose gradients hold an inf or NaN is skipped (the scale was
// too large: it halves), and after kGrowthInterval clean steps the scale doubles. bf16 has fp32's
// range and needs none of this.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace moco {

class GradScaler {
 public:
  static constexpr double kInitScale = 65536.0;   // 2^16, PyTorch's default
  static constexpr double kGrowthFactor = 2.0;
  static constexpr double kBackoffFactor = 0.5;
  static constexpr int64_t kGrowthInterval = 2000;  // clean steps before the scale grows

  explicit GradScaler(torch::Device device);

  torch::Tensor scale(const torch::Tensor& loss) const { return loss * scale_.to(loss.scalar_type()); }
  // Divides the gradients of `params` by the scale in place; returns found_inf (1-element float on
  // the device: 1 when some gradient is not finite, else 0). No host synchronisation.
  torch::Tensor unscale(const std::vector<torch::Tensor>& params);
  // Backs off or grows the scale after a step that saw `found_inf`.
  void update(const torch::Tensor& found_inf);

  // The current scale and the count of clean steps since it last changed (checkpoints).
  const torch::Tensor& scale_tensor() const { return scale_; }
  const torch::Tensor& growth_tracker() const { return growth_tracker_; }
  void restore(const torch::Tensor& scale, const torch::Tensor& growth_tracker);

 private:
  torch::Tensor scale_;           // float, 1 element, on the device
  torch::Tensor growth_tracker_;  // int32, 1 element, on the device
};

}  // namespace moco
