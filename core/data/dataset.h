// An image dataset held in memory: uint8 images (N x C x H x W), int64 labels, class names, and a
// train/test split. Loaded once, then batches are gathered by index on the training device.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "api/config.h"
#include "api/datasets.h"

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
  // Labelled images for the kNN bank and the probe's training features when `train` has no labels
  // (STL-10's unlabelled images); empty otherwise, and then `train` is the bank.
  ImageSplit bank;
  // What the user should know about the data (files skipped while loading …), one line each.
  std::vector<std::string> warnings;
  const ImageSplit& knn_bank() const { return bank.size() > 0 ? bank : train; }
  int64_t channels() const { return train.images.size(1); }
  int64_t height() const { return train.images.size(2); }
  int64_t width() const { return train.images.size(3); }
};

// Loads what `data` names, applying train/test limits. Throws std::runtime_error naming the file
// and the problem when the data is missing or corrupt. `progress` hears of long decodes (image
// folders) and may cancel them.
ImageDataset load_dataset(const DataConfig& data, const LoadProgress& progress = {});

// Why kNN, the linear probe and class colours cannot be had from `dataset` (e.g. an image folder
// without class subfolders), or "" when its bank and test split are labelled.
std::string labels_unavailable(const ImageDataset& dataset);

enum class Split;  // api/analysis.h
// The split `which` names (Split::Bank is knn_bank()).
const ImageSplit& split_of(const ImageDataset& dataset, Split which);

struct ImageU8;
// A uint8 C x H x W tensor (any device) as an ImageU8 (rows of H x W x C bytes).
ImageU8 to_image_u8(const torch::Tensor& chw);

// Per-channel mean and std of a uint8 image tensor scaled to [0, 1] (used for normalisation).
std::pair<std::vector<double>, std::vector<double>> channel_stats(const torch::Tensor& images);

}  // namespace moco
