#include "model/key_queue.h"

#include <stdexcept>

namespace moco {

KeyQueue::KeyQueue(int64_t dim, int64_t size, at::Generator& generator, torch::Device device) {
  if (dim < 1 || size < 1) throw std::invalid_argument("queue needs dim >= 1 and K >= 1");
  // Random unit vectors, as the reference initialises its queue.
  keys_ = torch::nn::functional::normalize(torch::randn({dim, size}, generator),
                                           torch::nn::functional::NormalizeFuncOptions().dim(0))
              .to(device);
  written_at_ = torch::full({size}, -1, torch::kInt64);
  sample_ids_ = torch::full({size}, -1, torch::kInt64);
  batch_rows_ = torch::full({size}, -1, torch::kInt64);
}

void KeyQueue::enqueue(const torch::Tensor& keys, const torch::Tensor& ids, int64_t step) {
  const int64_t k = size();
  const int64_t n = std::min(keys.size(0), k - pointer_);  // truncate at the wrap
  keys_.slice(1, pointer_, pointer_ + n).copy_(keys.slice(0, 0, n).t().detach());
  written_at_.slice(0, pointer_, pointer_ + n).fill_(step);
  sample_ids_.slice(0, pointer_, pointer_ + n).copy_(ids.slice(0, 0, n).to(torch::kCPU));
  batch_rows_.slice(0, pointer_, pointer_ + n).copy_(torch::arange(n, torch::kInt64));
  pointer_ = (pointer_ + n) % k;
}

// written_at lives on the host: its figures are read from memory, not through item(), so the
// benchmarks' count of synchronising calls (item() and the like) sees only the device's.
double written_fraction(const torch::Tensor& written_at) {
  const auto count = (written_at >= 0).sum();
  return double(*count.data_ptr<int64_t>()) / double(written_at.numel());
}

std::pair<double, double> write_age_stats(const torch::Tensor& written_at, int64_t step) {
  auto written = written_at.masked_select(written_at >= 0);
  if (written.numel() == 0) return {0.0, 0.0};
  auto age = (step - written).to(torch::kFloat64);
  const auto mean = age.mean(), max = age.max();
  return {*mean.data_ptr<double>(), *max.data_ptr<double>()};
}

double KeyQueue::fill_fraction() const { return written_fraction(written_at_); }

std::pair<double, double> KeyQueue::age_stats(int64_t step) const { return write_age_stats(written_at_, step); }

void KeyQueue::restore(torch::Tensor keys, torch::Tensor written_at, torch::Tensor sample_ids, torch::Tensor batch_rows,
                       int64_t pointer) {
  if (keys.sizes() != keys_.sizes() || written_at.numel() != size() || sample_ids.numel() != size() ||
      batch_rows.numel() != size() || pointer < 0 || pointer >= size())
    throw std::runtime_error("checkpoint queue does not match the configuration (dim x K = " + std::to_string(dim()) +
                             " x " + std::to_string(size()) + ")");
  keys_.copy_(keys);
  written_at_.copy_(written_at);
  sample_ids_.copy_(sample_ids);
  batch_rows_.copy_(batch_rows);
  pointer_ = pointer;
}

}  // namespace moco
