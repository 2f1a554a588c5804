// The two encoders and the queue of MoCo (paper Algorithm 1): f_q trained by SGD, f_k its momentum
// copy that never receives gradients, and the dictionary of keys.
#pragma once

#include <torch/torch.h>

#include "api/config.h"
#include "model/contrastive_loss.h"
#include "model/encoders.h"
#include "model/key_queue.h"

namespace moco {

struct ContrastiveResult {
  torch::Tensor loss;    // scalar, differentiable w.r.t. f_q
  torch::Tensor logits;  // N x (1 + K), detached
  torch::Tensor keys;    // N x dim, normalised, no grad
};

// The query encoder a run of `config` with `seed` starts from (the random-encoder floor uses it too).
EncoderPtr initial_encoder(const Config& config, int64_t channels, uint64_t seed);

class MocoModel {
 public:
  // Both encoders start from the same weights, drawn from a generator of `seed` (initial_encoder).
  // run.precision is resolved for `device` (std::invalid_argument for fp16 off CUDA); on CUDA with
  // run.channels_last the convolution weights and the inputs are kept in channels-last memory.
  MocoModel(const Config& config, int64_t channels, torch::Device device, uint64_t seed);

  // theta_k <- m theta_k + (1 - m) theta_q over parameters (BN statistics of f_k are its own).
  void momentum_update(double m);
  // Keys of a batch: f_k on a shuffled batch (so split BN cannot tell the positive), unshuffled,
  // normalised. No gradients.
  torch::Tensor encode_keys(const torch::Tensor& x, at::Generator& shuffle_generator);
  // f_k of x as it comes (no shuffle, not normalised, fp32), under the run's precision and memory
  // format: one rank's shard in the shuffle BN across processes (train/dist_step.h).
  torch::Tensor key_features(const torch::Tensor& x);
  // Normalised query embeddings (with gradients).
  torch::Tensor encode_queries(const torch::Tensor& x);
  // The encoders' forward passes run under autocast with this (resolved: never Auto); their outputs
  // are cast to float before normalisation, so everything after them is fp32.
  Precision precision() const { return precision_; }
  bool channels_last() const { return channels_last_; }
  // One direction of the loss: queries from x_q against keys of x_k and the queue.
  ContrastiveResult contrastive(const torch::Tensor& x_q, const torch::Tensor& x_k, double tau,
                                at::Generator& shuffle_generator);
  // ||theta_k - theta_q|| / ||theta_q|| over parameters; the tensor form (0-d float64 on the device)
  // leaves the host free to go on.
  double key_drift() const;
  torch::Tensor key_drift_tensor() const;
  // (Again) the convolution weights in the run's memory format: a loaded checkpoint brings its own.
  void apply_memory_format();

  // What a step changes before its loss is known — the key encoder's parameters (momentum update)
  // and both encoders' BN statistics (forward passes in train mode) — copied aside, and put back
  // when the loss turns out not finite. The copy lives in one buffer allocated once.
  void remember_pre_step_state();
  void restore_pre_step_state();

  EncoderPtr query;
  EncoderPtr key;
  KeyQueue queue;
  torch::Device device;
  bool shuffle_keys;

 private:
  std::vector<torch::Tensor> mutable_state() const;
  // x in the memory format the encoders want.
  torch::Tensor prepared(const torch::Tensor& x) const;

  Precision precision_ = Precision::Fp32;
  bool channels_last_ = false;
  torch::Tensor saved_state_;  // the mutable state, flattened (float64 holds floats and step counts exactly)
};

}  // namespace moco
