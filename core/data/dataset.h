// An image dataset held in memory: uint8 images (N x C x H x W), int64 labels, class names, and a
// train/test split. Loaded once, then batches are gathered by index on the training device.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "api/config.h"

namespace moco {

struct ImageSplit {
  torch::Tensor images;  // uint8, N x C x H x W
  torch::Tensor labels;  // int64, N (empty when the data has no labels)
  int64_t size() const { return images.defined() ? images.size(0) : 0; }
  bool has_labels() const { return labels.defined() && labels.numel() > 0; }
};

struct ImageDataset {
  std::string name;                      // e.g. "fashion-mnist"
  std::vector<std::string> class_names;  // index = label
  ImageSplit train;
  ImageSplit test;
  int64_t channels() const { return train.images.size(1); }
  int64_t height() const { return train.images.size(2); }
  int64_t width() const { return train.images.size(3); }
};

// Loads what `data` names, applying train/test limits. Throws std::runtime_error naming the file
// and the problem when the data is missing or corrupt.
ImageDataset load_dataset(const DataConfig& data);

struct ImageU8;
// A uint8 C x H x W tensor (any device) as an ImageU8 (rows of H x W x C bytes).
ImageU8 to_image_u8(const torch::Tensor& chw);

// Per-channel mean and std of a uint8 image tensor scaled to [0, 1] (used for normalisation).
std::pair<std::vector<double>, std::vector<double>> channel_stats(const torch::Tensor& images);

}  // namespace moco
