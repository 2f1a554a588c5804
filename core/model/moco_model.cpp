#include "model/moco_model.h"

#include "runtime/autocast.h"
#include "runtime/device.h"
#include "runtime/rng.h"

namespace moco {
namespace {

KeyQueue make_queue(const Config& config, torch::Device device, uint64_t seed) {
  auto gen = make_generator(seed, RngStream::QueueInit, 0);
  return KeyQueue(config.model.feature_dim, config.moco.queue_size, gen, device);
}

// Convolution weights (the 4-d parameters) into channels-last memory, in place: the optimizer and
// the momentum update see the same tensors, and copies between the encoders keep the layout.
void to_channels_last(EncoderImpl& encoder) {
  torch::NoGradGuard no_grad;
  for (auto& p : encoder.parameters())
    if (p.dim() == 4) p.set_data(p.data().contiguous(torch::MemoryFormat::ChannelsLast));
}

}  // namespace

EncoderPtr initial_encoder(const Config& config, int64_t channels, uint64_t seed) {
  auto gen = make_generator(seed, RngStream::EncoderInit, 0);
  return make_encoder(config.model, channels, config.moco.bn_splits, gen);
}

MocoModel::MocoModel(const Config& config, int64_t channels, torch::Device dev, uint64_t seed)
    : query(initial_encoder(config, channels, seed)),
      key(initial_encoder(config, channels, seed)),
      queue(make_queue(config, dev, seed)),
      device(dev),
      shuffle_keys(config.moco.bn_splits > 1),
      precision_(resolve_precision(config.run.precision, dev)),
      channels_last_(config.run.channels_last && dev.is_cuda()) {
  query->to(device);
  key->to(device);
  apply_memory_format();
  copy_weights(*query, *key);  // f_k starts as a copy of f_q
  for (auto& p : key->parameters()) p.set_requires_grad(false);
  query->train();
  key->train();  // f_k's BN uses batch statistics, like the reference
}

void MocoModel::apply_memory_format() {
  if (!channels_last_) return;
  to_channels_last(*query);
  to_channels_last(*key);
}

void MocoModel::momentum_update(double m) {
  torch::NoGradGuard no_grad;
  auto q_params = query->parameters();
  auto k_params = key->parameters();
  for (size_t i = 0; i < q_params.size(); ++i) k_params[i].mul_(m).add_(q_params[i], 1.0 - m);
}

torch::Tensor MocoModel::prepared(const torch::Tensor& x) const {
  return channels_last_ ? x.contiguous(torch::MemoryFormat::ChannelsLast) : x;
}

torch::Tensor MocoModel::encode_keys(const torch::Tensor& x, at::Generator& shuffle_generator) {
  torch::NoGradGuard no_grad;
  if (!shuffle_keys) return l2_normalize(key_features(x));
  auto shuffle = to_device_async(torch::randperm(x.size(0), shuffle_generator, torch::kInt64), device);
  auto unshuffle = shuffle.argsort(int64_t(0));
  auto k = key_features(x.index_select(0, shuffle));
  return l2_normalize(k).index_select(0, unshuffle);
}

torch::Tensor MocoModel::key_features(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  AutocastGuard autocast(precision_, device);
  return key->forward(prepared(x)).to(torch::kFloat32);
}

torch::Tensor MocoModel::encode_queries(const torch::Tensor& x) {
  torch::Tensor out;
  {
    AutocastGuard autocast(precision_, device);
    out = query->forward(prepared(x));
  }
  return l2_normalize(out.to(torch::kFloat32));  // a no-op in fp32
}

ContrastiveResult MocoModel::contrastive(const torch::Tensor& x_q, const torch::Tensor& x_k, double tau,
                                         at::Generator& shuffle_generator) {
  auto q = encode_queries(x_q);
  auto k = encode_keys(x_k, shuffle_generator);
  auto logits = infonce_logits(q, k, queue.keys(), tau);
  return {infonce_loss(logits), logits.detach(), k};
}

double MocoModel::key_drift() const {
  // One device-to-host transfer for all parameters.
  const auto ratio = key_drift_tensor().to(torch::kCPU);
  return *ratio.data_ptr<double>();
}

torch::Tensor MocoModel::key_drift_tensor() const {
  torch::NoGradGuard no_grad;
  auto q_params = query->parameters();
  auto k_params = key->parameters();
  std::vector<torch::Tensor> diffs, norms;
  for (size_t i = 0; i < q_params.size(); ++i) {
    diffs.push_back((k_params[i] - q_params[i]).pow(2).sum());
    norms.push_back(q_params[i].pow(2).sum());
  }
  auto diff = torch::stack(diffs).sum().to(torch::kFloat64), norm = torch::stack(norms).sum().to(torch::kFloat64);
  return torch::where(norm > 0, (diff / norm).sqrt(), torch::zeros_like(norm));
}

std::vector<torch::Tensor> MocoModel::mutable_state() const {
  std::vector<torch::Tensor> tensors = key->parameters();
  for (const auto& b : key->buffers()) tensors.push_back(b);
  for (const auto& b : query->buffers()) tensors.push_back(b);
  return tensors;
}

void MocoModel::remember_pre_step_state() {
  torch::NoGradGuard no_grad;
  // One concatenation into one buffer: a copy per tensor costs a dispatch each (tens of them).
  std::vector<torch::Tensor> flat;
  for (const auto& t : mutable_state()) flat.push_back(t.detach().reshape({-1}).to(torch::kFloat64));
  if (!saved_state_.defined()) saved_state_ = torch::empty({0}, flat.front().options());
  torch::cat_out(saved_state_, flat);
}

void MocoModel::restore_pre_step_state() {
  torch::NoGradGuard no_grad;
  int64_t offset = 0;
  for (auto& t : mutable_state()) {
    const int64_t n = t.numel();
    t.copy_(saved_state_.narrow(0, offset, n).view(t.sizes()));  // back to the tensor's own dtype
    offset += n;
  }
}

}  // namespace moco
