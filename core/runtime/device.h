// Picks the training device and sets libtorch's CPU thread count (Debian's starts with one).
#pragma once

#include <torch/torch.h>

#include <string>

#include "api/config.h"

namespace moco {

// Auto = CUDA when available; Cuda without CUDA throws naming what is missing.
torch::Device resolve_device(DeviceChoice choice);
// The precision a run computes in on `device`: Auto = bf16 on a CUDA GPU with bf16 tensor cores
// (compute capability 8 and up, as cuDNN's bf16 convolutions need), fp32 elsewhere. fp16 off CUDA
// throws std::invalid_argument naming run.precision (CPU autocast has bf16 only).
Precision resolve_precision(Precision requested, const torch::Device& device);
// 0 = every core. Returns the count in force.
int configure_threads(int64_t threads);
std::string describe_device(const torch::Device& device);
// A host tensor on `device` without making the host wait: through pinned memory, non-blocking, on
// CUDA (a pageable copy synchronises the stream); a plain .to() elsewhere.
torch::Tensor to_device_async(const torch::Tensor& host, const torch::Device& device);

}  // namespace moco
