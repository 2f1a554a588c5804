// Weighted kNN classification on normalised features, as the official CIFAR demo's monitor:
// the k most cosine-similar bank entries vote for their class with weight exp(sim / t).
#pragma once

#include <torch/torch.h>

#include "augment/augment.h"
#include "model/encoders.h"

namespace moco {

struct KnnResult {
  double top1 = 0;  // fraction in [0, 1]
  double top5 = 0;
};

// Class scores (M x classes) for `queries` (M x D) against `bank` (N x D); both L2-normalised.
// Runs on the bank's device (queries and labels are moved there chunk by chunk).
torch::Tensor knn_scores(const torch::Tensor& bank, const torch::Tensor& bank_labels, const torch::Tensor& queries,
                         int64_t classes, int64_t k, double t);
KnnResult knn_evaluate(const torch::Tensor& bank, const torch::Tensor& bank_labels, const torch::Tensor& queries,
                       const torch::Tensor& query_labels, int64_t classes, int64_t k = 200, double t = 0.1);

// Backbone features (head = false) or head embeddings of uint8 images, L2-normalised, left on
// `device` (the images are copied there batch by batch: a host split need not fit the GPU twice).
// The encoder runs in eval mode without gradients and is put back in the mode it was in.
torch::Tensor extract_features(EncoderImpl& encoder, const torch::Tensor& images, const Augmenter& preprocess,
                               torch::Device device, bool head = false, int64_t batch = 1024);
// Raw pixels, normalised like the training views, flattened and L2-normalised: the kNN floor.
// On the images' device.
torch::Tensor pixel_features(const torch::Tensor& images, const Augmenter& preprocess);

}  // namespace moco
