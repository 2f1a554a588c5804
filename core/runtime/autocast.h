// Mixed precision for a training step's encoder forward passes (run.precision). Autocast runs the
// convolutions and linear layers in bf16 or fp16 and keeps what needs range in fp32; the caller
// casts the encoders' outputs back to float, so logits, loss, queue and BN statistics stay fp32.
#pragma once

#include <torch/torch.h>

#include "api/config.h"

namespace moco {

// Autocast on `device` with `precision` while alive (nothing for fp32). On leaving it puts back the
// thread's previous autocast state and, when it was the outermost guard, frees the weights autocast
// cast and cached (they change at every optimizer step). One guard per forward pass.
class AutocastGuard {
 public:
  AutocastGuard(Precision precision, const torch::Device& device);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool active_ = false;
  torch::DeviceType device_type_ = torch::kCPU;
  bool was_enabled_ = false;
  at::ScalarType was_dtype_ = at::kFloat;
};

// Whether autocast is on for `type` on this thread (either LibTorch API).
bool autocast_enabled(torch::DeviceType type);

// The scalar type of `precision` (Auto must be resolved first: resolve_precision in device.h).
at::ScalarType scalar_type_of(Precision precision);

}  // namespace moco
