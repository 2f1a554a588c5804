#include "train/grad_scaler.h"

namespace moco {

GradScaler::GradScaler(torch::Device device)
    : scale_(torch::full({1}, kInitScale, torch::TensorOptions().dtype(torch::kFloat32).device(device))),
      growth_tracker_(torch::zeros({1}, torch::TensorOptions().dtype(torch::kInt32).device(device))) {}

torch::Tensor GradScaler::unscale(const std::vector<torch::Tensor>& params) {
  torch::NoGradGuard no_grad;
  auto found_inf = torch::zeros({1}, scale_.options());
  const auto inv_scale = scale_.to(torch::kFloat64).reciprocal().to(torch::kFloat32);
  std::vector<torch::Tensor> grads;
  for (const auto& p : params)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return found_inf;
  if (scale_.is_cuda()) {
    // ATen's fused kernel (CUDA only in LibTorch 1.13): one launch for every gradient.
    at::_amp_foreach_non_finite_check_and_unscale_(grads, found_inf, inv_scale);
    return found_inf;
  }
  // The same arithmetic from plain operations, for other devices (and the CPU tests).
  std::vector<torch::Tensor> finite;
  for (auto& g : grads) {
    finite.push_back(torch::isfinite(g).all());
    g.mul_(inv_scale);
  }
  found_inf.copy_(torch::stack(finite).logical_not().any().to(torch::kFloat32).reshape({1}));
  return found_inf;
}

void GradScaler::update(const torch::Tensor& found_inf) {
  torch::NoGradGuard no_grad;
  if (scale_.is_cuda()) {
    at::_amp_update_scale_(scale_, growth_tracker_, found_inf, kGrowthFactor, kBackoffFactor, kGrowthInterval);
    return;
  }
  const auto inf = found_inf > 0;
  auto tracker = torch::where(inf, torch::zeros_like(growth_tracker_), growth_tracker_ + 1);
  const auto grow = tracker == kGrowthInterval;
  scale_.copy_(torch::where(inf, scale_ * kBackoffFactor, torch::where(grow, scale_ * kGrowthFactor, scale_)));
  growth_tracker_.copy_(torch::where(grow, torch::zeros_like(tracker), tracker));
}

void GradScaler::restore(const torch::Tensor& scale, const torch::Tensor& growth_tracker) {
  scale_.copy_(scale.reshape({1}));
  growth_tracker_.copy_(growth_tracker.reshape({1}));
}

}  // namespace moco
