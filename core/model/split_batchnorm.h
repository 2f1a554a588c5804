// BatchNorm2d whose training statistics are computed per sub-batch: the single-device form of
// MoCo's shuffle BN (as in the official CIFAR demo). With `splits` = S, samples n and n' share
// statistics when n % S == n' % S. Evaluation uses the ordinary running statistics.
// Parameter and buffer names match torch.nn.BatchNorm2d so state dicts load in PyTorch.
#pragma once

#include <torch/torch.h>

namespace moco {

class SplitBatchNorm2dImpl : public torch::nn::Module {
 public:
  SplitBatchNorm2dImpl(int64_t channels, int64_t splits);
  torch::Tensor forward(const torch::Tensor& x);
  void set_splits(int64_t splits) { splits_ = splits; }
  int64_t splits() const { return splits_; }

  torch::Tensor weight, bias, running_mean, running_var, num_batches_tracked;

 private:
  int64_t channels_, splits_;
  static constexpr double kMomentum = 0.1;  // PyTorch's BN default
  static constexpr double kEps = 1e-5;
};
TORCH_MODULE(SplitBatchNorm2d);

}  // namespace moco
