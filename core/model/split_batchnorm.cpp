#include "model/split_batchnorm.h"

#include <stdexcept>

namespace moco {

SplitBatchNorm2dImpl::SplitBatchNorm2dImpl(int64_t channels, int64_t splits) : channels_(channels), splits_(splits) {
  weight = register_parameter("weight", torch::ones({channels}));
  bias = register_parameter("bias", torch::zeros({channels}));
  running_mean = register_buffer("running_mean", torch::zeros({channels}));
  running_var = register_buffer("running_var", torch::ones({channels}));
  num_batches_tracked = register_buffer("num_batches_tracked", torch::zeros({}, torch::kInt64));
}

torch::Tensor SplitBatchNorm2dImpl::forward(const torch::Tensor& input) {
  // Under CPU autocast a bf16 input meets fp32 weights and statistics, a mix not every LibTorch's
  // CPU kernel takes: normalise in fp32 there (the statistics stay fp32 anyway). cuDNN takes the mix.
  const auto x = !input.is_cuda() && input.scalar_type() != weight.scalar_type() ? input.to(weight.scalar_type()) : input;
  if (!is_training() || splits_ <= 1) {
    if (is_training()) num_batches_tracked.add_(1);
    return torch::batch_norm(x, weight, bias, running_mean, running_var, is_training(), kMomentum, kEps,
                             /*cudnn_enabled=*/true);
  }
  const int64_t n = x.size(0), h = x.size(2), w = x.size(3);
  if (n % splits_ != 0)
    throw std::invalid_argument("split BN: batch " + std::to_string(n) + " is not divisible by " + std::to_string(splits_));
  // Folding S consecutive samples into the channel axis gives each (split, channel) its own stats.
  auto mean_split = running_mean.repeat({splits_});
  auto var_split = running_var.repeat({splits_});
  auto out = torch::batch_norm(x.reshape({n / splits_, channels_ * splits_, h, w}), weight.repeat({splits_}),
                               bias.repeat({splits_}), mean_split, var_split, true, kMomentum, kEps, true);
  {
    torch::NoGradGuard no_grad;
    running_mean.copy_(mean_split.view({splits_, channels_}).mean(0));
    running_var.copy_(var_split.view({splits_, channels_}).mean(0));
    num_batches_tracked.add_(1);
  }
  return out.view_as(x);  // outside the guard: the view must carry autograd history
}

}  // namespace moco
