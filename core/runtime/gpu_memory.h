// The memory of a CUDA GPU, asked of the NVIDIA driver itself (libcuda, loaded at run time), so that
// the same code builds against Debian's CPU LibTorch and a CUDA one.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <optional>

#include "api/config.h"

namespace moco {

// Total memory of `device` in bytes; nullopt off CUDA or where the driver cannot be asked.
std::optional<int64_t> gpu_memory_bytes(const torch::Device& device);

// Throws std::invalid_argument with the figures (api/memory.h) when `config` cannot fit `device`'s
// memory; does nothing off CUDA or where the GPU's memory is unknown.
void check_fits_device(const Config& config, const torch::Device& device);

}  // namespace moco
