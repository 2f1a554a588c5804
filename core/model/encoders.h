// Encoders f(x) = head(backbone(x)): a small fast CNN (the CPU default) and ResNet-18 in its CIFAR
// form (3x3 stem, no max-pool). Submodule names follow torchvision (conv1, bn1, layer1.0.conv1,
// fc.0 ...) so an exported state dict loads into the reference implementation's encoder_q.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "api/config.h"

namespace moco {

class EncoderImpl : public torch::nn::Module {
 public:
  // Pooled backbone features (the representation used for kNN and the linear probe).
  virtual torch::Tensor features(const torch::Tensor& x) = 0;
  // Head output (not normalised): the contrastive embedding.
  torch::Tensor forward(const torch::Tensor& x) { return head(features(x)); }
  torch::Tensor head(const torch::Tensor& features);
  int64_t feature_size() const { return feature_size_; }

 protected:
  // Registers the head as "fc": Linear (v1) or Linear-ReLU-Linear (v2).
  void make_head(const ModelConfig& config, int64_t feature_size);

 private:
  int64_t feature_size_ = 0;
  torch::nn::Linear linear_head_{nullptr};
  torch::nn::Sequential mlp_head_{nullptr};
};

using EncoderPtr = std::shared_ptr<EncoderImpl>;

// Builds the encoder of `config` for images with `channels` channels, BN split `bn_splits` ways, its
// weights drawn from `generator` (the run owns it: never torch's global one, which other threads
// may be drawing from). Convolutions and linear layers as PyTorch's defaults, U(-1/sqrt(fan_in),
// 1/sqrt(fan_in)) for weights and biases; BN weight 1, bias 0.
EncoderPtr make_encoder(const ModelConfig& config, int64_t channels, int64_t bn_splits, at::Generator& generator);

// Rows scaled to unit L2 norm (features and embeddings are compared by cosine).
torch::Tensor l2_normalize(const torch::Tensor& rows);

// Copies parameters and buffers of `from` into `to` (same architecture).
void copy_weights(torch::nn::Module& from, torch::nn::Module& to);

}  // namespace moco
