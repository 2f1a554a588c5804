#include "eval/knn.h"

#include <stdexcept>

#include "runtime/interrupt.h"

namespace moco {
namespace {
constexpr int64_t kQueryChunk = 1024;  // bounds the M x N similarity matrix held at once
}  // namespace

torch::Tensor knn_scores(const torch::Tensor& bank, const torch::Tensor& bank_labels, const torch::Tensor& queries,
                         int64_t classes, int64_t k, double t) {
  if (bank.size(0) == 0) throw std::invalid_argument("kNN: the feature bank is empty");
  if (k < 1 || k > bank.size(0))
    throw std::invalid_argument("kNN: k = " + std::to_string(k) + " must be between 1 and the bank size " +
                                std::to_string(bank.size(0)));
  if (bank.size(1) != queries.size(1)) throw std::invalid_argument("kNN: bank and query features differ in dimension");
  if (!torch::isfinite(bank).all().item<bool>() || !torch::isfinite(queries).all().item<bool>())
    throw std::invalid_argument("kNN: features contain NaN or infinity");
  // Everything on the bank's device: on a GPU the bank stays there and each chunk's similarities
  // and top-k are computed there too.
  const auto labels = bank_labels.to(bank.device());
  const auto bank_t = bank.t();
  std::vector<torch::Tensor> chunks;
  for (int64_t start = 0; start < queries.size(0); start += kQueryChunk) {
    throw_if_interrupted();
    auto sim = queries.slice(0, start, start + kQueryChunk).to(bank.device()).mm(bank_t);
    auto [top_sim, top_idx] = sim.topk(k, 1);
    auto top_labels = labels.index_select(0, top_idx.reshape(-1)).view(top_idx.sizes());
    auto weights = (top_sim / t).exp();
    auto scores = torch::zeros({sim.size(0), classes}, weights.options());
    chunks.push_back(scores.scatter_add_(1, top_labels, weights));
  }
  return torch::cat(chunks);
}

KnnResult knn_evaluate(const torch::Tensor& bank, const torch::Tensor& bank_labels, const torch::Tensor& queries,
                       const torch::Tensor& query_labels, int64_t classes, int64_t k, double t) {
  auto scores = knn_scores(bank, bank_labels, queries, classes, k, t);
  auto ranked = std::get<1>(scores.sort(int64_t(1), /*descending=*/true));
  auto hit = ranked == query_labels.to(ranked.device()).view({-1, 1});
  KnnResult r;
  r.top1 = hit.select(1, 0).to(torch::kFloat64).mean().item<double>();
  r.top5 = hit.slice(1, 0, std::min<int64_t>(5, classes)).any(1).to(torch::kFloat64).mean().item<double>();
  return r;
}

torch::Tensor extract_features(EncoderImpl& encoder, const torch::Tensor& images, const Augmenter& preprocess,
                               torch::Device device, bool head, int64_t batch) {
  torch::NoGradGuard no_grad;
  // Evaluation mode for the extraction, the previous mode again afterwards (an interruption too).
  struct EvalMode {
    EncoderImpl& encoder;
    const bool was_training = encoder.is_training();
    explicit EvalMode(EncoderImpl& e) : encoder(e) { encoder.eval(); }
    ~EvalMode() { encoder.train(was_training); }
  } eval_mode(encoder);
  std::vector<torch::Tensor> out;
  for (int64_t start = 0; start < images.size(0); start += batch) {
    throw_if_interrupted();
    auto x = preprocess.prepare(images.slice(0, start, start + batch).to(device));
    auto f = head ? encoder.forward(x) : encoder.features(x);
    out.push_back(l2_normalize(f));
  }
  return torch::cat(out);
}

torch::Tensor pixel_features(const torch::Tensor& images, const Augmenter& preprocess) {
  return l2_normalize(preprocess.prepare(images).flatten(1));
}

}  // namespace moco
