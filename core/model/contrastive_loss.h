// The contrastive losses of the three mechanisms, as logits with the positive in column 0 and a
// cross-entropy with every label 0, so accuracy and cosine metrics read them the same way.
#pragma once

#include <torch/torch.h>

namespace moco {

// InfoNCE logits: [q.k+, q.queue] / tau, N x (1 + K). q, k: N x dim normalised; queue: dim x K.
torch::Tensor infonce_logits(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& queue, double tau);
// Cross-entropy with every label 0 (the positive sits in column 0).
torch::Tensor infonce_loss(const torch::Tensor& logits);

// InfoNCE against entries of a bank (the memory bank): q N x dim normalised, bank size x dim;
// `positives` N entry indices, `negatives` N x K. Logits N x (1 + K) / tau. Scores q against the
// whole bank and picks the columns: N x size floats instead of gathering N x K x dim entries
// (0.5 GB at batch 256, K 4096, dim 128).
torch::Tensor bank_infonce_logits(const torch::Tensor& q, const torch::Tensor& bank, const torch::Tensor& positives,
                                  const torch::Tensor& negatives, double tau);

// NT-Xent (SimCLR) as logits: the 2N views z = [z1; z2] (each N x dim, normalised); row i's
// positive is its partner view (i ± N), its negatives the 2N − 2 other views, in their order.
// 2N x (1 + 2N − 2) / tau; infonce_loss of it is SimCLR's loss, the mean over all 2N views of
// −log(exp(s_i,partner) / Σ_{j≠i} exp(s_ij)).
torch::Tensor nt_xent_logits(const torch::Tensor& z1, const torch::Tensor& z2, double tau);

}  // namespace moco
