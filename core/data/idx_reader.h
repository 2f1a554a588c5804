// Reader for the IDX format of MNIST, Fashion-MNIST and KMNIST (big-endian header, raw or gzip).
#pragma once

#include <torch/torch.h>

#include <string>

namespace moco {

// Reads an idx3 image file (magic 0x00000803) into a uint8 N x 1 x H x W tensor.
torch::Tensor read_idx_images(const std::string& path);
// Reads an idx1 label file (magic 0x00000801) into an int64 tensor of N labels.
torch::Tensor read_idx_labels(const std::string& path);

// Finds "<stem>" or "<stem>.gz" in `folder`; throws naming both candidates when neither exists.
std::string find_idx_file(const std::string& folder, const std::string& stem);

}  // namespace moco
