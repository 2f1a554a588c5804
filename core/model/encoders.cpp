#include "model/encoders.h"

#include <cmath>
#include <stdexcept>

#include "model/split_batchnorm.h"

namespace moco {
namespace {

torch::nn::Conv2d conv3x3(int64_t in, int64_t out, int64_t stride) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false));
}

// conv-BN-ReLU stacks: fast on two CPU cores yet able to learn Fashion-MNIST in minutes.
class SmallCnnImpl : public EncoderImpl {
 public:
  SmallCnnImpl(const ModelConfig& config, int64_t channels, int64_t splits) {
    const int64_t w = config.width;
    const std::vector<std::pair<int64_t, int64_t>> layers = {{w, 1}, {2 * w, 2}, {4 * w, 2}, {8 * w, 2}};
    int64_t in = channels;
    for (const auto& [out, stride] : layers) {
      body_->push_back(conv3x3(in, out, stride));
      body_->push_back(SplitBatchNorm2d(out, splits));
      body_->push_back(torch::nn::ReLU(torch::nn::ReLUOptions(true)));
      in = out;
    }
    register_module("features", body_);
    make_head(config, in);
  }
  torch::Tensor features(const torch::Tensor& x) override { return body_->forward(x).mean({2, 3}); }

 private:
  torch::nn::Sequential body_;
};

class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(int64_t in, int64_t out, int64_t stride, int64_t splits)
      : conv1(register_module("conv1", conv3x3(in, out, stride))),
        bn1(register_module("bn1", SplitBatchNorm2d(out, splits))),
        conv2(register_module("conv2", conv3x3(out, out, 1))),
        bn2(register_module("bn2", SplitBatchNorm2d(out, splits))) {
    if (stride != 1 || in != out) {
      downsample = register_module(
          "downsample",
          torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)),
                                SplitBatchNorm2d(out, splits)));
    }
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto out = torch::relu(bn1(conv1(x)));
    out = bn2(conv2(out));
    return torch::relu(out + (downsample ? downsample->forward(x) : x));
  }
  torch::nn::Conv2d conv1, conv2;
  SplitBatchNorm2d bn1, bn2;
  torch::nn::Sequential downsample{nullptr};
};
TORCH_MODULE(BasicBlock);

class ResNet18CifarImpl : public EncoderImpl {
 public:
  ResNet18CifarImpl(const ModelConfig& config, int64_t channels, int64_t splits)
      : conv1_(register_module("conv1", conv3x3(channels, 64, 1))),
        bn1_(register_module("bn1", SplitBatchNorm2d(64, splits))) {
    int64_t in = 64;
    const int64_t widths[] = {64, 128, 256, 512};
    for (int i = 0; i < 4; ++i) {
      torch::nn::Sequential layer;
      layer->push_back(BasicBlock(in, widths[i], i == 0 ? 1 : 2, splits));
      layer->push_back(BasicBlock(widths[i], widths[i], 1, splits));
      layers_.push_back(register_module("layer" + std::to_string(i + 1), layer));
      in = widths[i];
    }
    make_head(config, in);
  }
  torch::Tensor features(const torch::Tensor& x) override {
    auto out = torch::relu(bn1_(conv1_(x)));  // CIFAR form: no max-pool after the stem
    for (auto& layer : layers_) out = layer->forward(out);
    return out.mean({2, 3});
  }

 private:
  torch::nn::Conv2d conv1_;
  SplitBatchNorm2d bn1_;
  std::vector<torch::nn::Sequential> layers_;
};

}  // namespace

void EncoderImpl::make_head(const ModelConfig& config, int64_t feature_size) {
  feature_size_ = feature_size;
  if (config.head == HeadType::Mlp) {
    mlp_head_ = register_module("fc", torch::nn::Sequential(torch::nn::Linear(feature_size, feature_size),
                                                            torch::nn::ReLU(), torch::nn::Linear(feature_size, config.feature_dim)));
  } else {
    linear_head_ = register_module("fc", torch::nn::Linear(feature_size, config.feature_dim));
  }
}

torch::Tensor EncoderImpl::head(const torch::Tensor& features) {
  return mlp_head_ ? mlp_head_->forward(features) : linear_head_->forward(features);
}

namespace {

EncoderPtr build(const ModelConfig& config, int64_t channels, int64_t bn_splits) {
  switch (config.encoder) {
    case EncoderArch::SmallCnn: return std::make_shared<SmallCnnImpl>(config, channels, bn_splits);
    case EncoderArch::Resnet18Cifar: return std::make_shared<ResNet18CifarImpl>(config, channels, bn_splits);
  }
  throw std::invalid_argument("unknown encoder");
}

// PyTorch's default initialisation of a weight and its bias (kaiming_uniform_ with a = sqrt(5)
// comes to the same bound), drawn from `generator`.
void draw_uniform(torch::Tensor& weight, torch::Tensor& bias, at::Generator& generator) {
  const double bound = 1.0 / std::sqrt(double(weight.numel() / weight.size(0)));  // 1 / sqrt(fan_in)
  weight.uniform_(-bound, bound, generator);
  if (bias.defined()) bias.uniform_(-bound, bound, generator);
}

}  // namespace

EncoderPtr make_encoder(const ModelConfig& config, int64_t channels, int64_t bn_splits, at::Generator& generator) {
  auto encoder = build(config, channels, bn_splits);
  torch::NoGradGuard no_grad;
  for (auto& module : encoder->modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2d>()) draw_uniform(conv->weight, conv->bias, generator);
    else if (auto* linear = module->as<torch::nn::Linear>()) draw_uniform(linear->weight, linear->bias, generator);
  }
  return encoder;
}

torch::Tensor l2_normalize(const torch::Tensor& rows) {
  namespace F = torch::nn::functional;
  return F::normalize(rows, F::NormalizeFuncOptions().dim(1));
}

void copy_weights(torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  auto src = from.named_parameters(), dst = to.named_parameters();
  for (auto& item : dst) item.value().copy_(src[item.key()]);
  auto src_buffers = from.named_buffers(), dst_buffers = to.named_buffers();
  for (auto& item : dst_buffers) item.value().copy_(src_buffers[item.key()]);
}

}  // namespace moco
