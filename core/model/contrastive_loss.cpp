#include "model/contrastive_loss.h"

namespace moco {

namespace F = torch::nn::functional;

torch::Tensor infonce_logits(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& queue, double tau) {
  auto positive = (q * k).sum(1, /*keepdim=*/true);  // N x 1
  auto negative = q.mm(queue);                       // N x K
  return torch::cat({positive, negative}, 1) / tau;
}

torch::Tensor infonce_loss(const torch::Tensor& logits) {
  auto labels = torch::zeros({logits.size(0)}, torch::TensorOptions().dtype(torch::kInt64).device(logits.device()));
  return F::cross_entropy(logits, labels);
}

torch::Tensor bank_infonce_logits(const torch::Tensor& q, const torch::Tensor& bank, const torch::Tensor& positives,
                                  const torch::Tensor& negatives, double tau) {
  auto scores = q.mm(bank.t());  // N x size
  return torch::cat({scores.gather(1, positives.unsqueeze(1)), scores.gather(1, negatives)}, 1) / tau;
}

torch::Tensor nt_xent_logits(const torch::Tensor& z1, const torch::Tensor& z2, double tau) {
  const int64_t n = z1.size(0), views = 2 * n;
  auto z = torch::cat({z1, z2});
  auto sim = z.mm(z.t());  // 2N x 2N cosines
  auto rows = torch::arange(views, torch::TensorOptions().dtype(torch::kInt64).device(z.device()));
  auto partner = (rows + n) % views;
  auto positive = sim.gather(1, partner.unsqueeze(1));  // 2N x 1
  // Everything but the view itself and its partner, row by row in column order: the t-th kept
  // column steps over the smaller excluded column, then the larger. A gather, not masked_select,
  // whose output size would make the host wait for a GPU.
  auto low = torch::min(rows, partner).unsqueeze(1), high = torch::max(rows, partner).unsqueeze(1);
  auto rank = torch::arange(views - 2, rows.options()).unsqueeze(0);
  auto column = rank + (rank >= low).to(torch::kInt64);
  column = column + (column >= high).to(torch::kInt64);
  auto negative = sim.gather(1, column);
  return torch::cat({positive, negative}, 1) / tau;
}

}  // namespace moco
