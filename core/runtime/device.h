// Picks the training device and sets libtorch's CPU thread count (Debian's starts with one).
#pragma once

#include <torch/torch.h>

#include <string>

#include "api/config.h"

namespace moco {

// Auto = CUDA when available; Cuda without CUDA throws naming what is missing.
torch::Device resolve_device(DeviceChoice choice);
// 0 = every core. Returns the count in force.
int configure_threads(int64_t threads);
std::string describe_device(const torch::Device& device);

}  // namespace moco
