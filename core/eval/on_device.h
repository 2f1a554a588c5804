// The kNN monitor and the linear probe on labelled feature tensors, run on the device the features
// are on: on a GPU run the bank never comes back to the host (issue 12: evaluation on the device).
#pragma once

#include <torch/torch.h>

#include "api/analysis.h"

namespace moco {

class Trainer;

// Query-encoder backbone features of `indices` (all of the split when empty), left on the training
// device, with their labels (on the host).
struct DeviceFeatures {
  torch::Tensor features, labels;
};
DeviceFeatures device_features(Trainer& trainer, Split split, const std::vector<int64_t>& indices);

// `bank`, `queries`: N x D and M x D, L2-normalised; labels int64. Throws as knn_on_features.
KnnReport knn_on_tensors(const torch::Tensor& bank, const torch::Tensor& bank_labels, const torch::Tensor& queries,
                         const torch::Tensor& query_labels, int64_t classes, const KnnOptions& options);
// As linear_probe, on the device of `train`.
ProbeReport linear_probe_on_tensors(const torch::Tensor& train, const torch::Tensor& train_labels, const torch::Tensor& test,
                                    const torch::Tensor& test_labels, int64_t classes, const ProbeOptions& options);

}  // namespace moco
