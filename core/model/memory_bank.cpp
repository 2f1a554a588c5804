#include "model/memory_bank.h"

#include <stdexcept>
#include <string>

#include "model/key_queue.h"
#include "runtime/device.h"

namespace moco {

namespace F = torch::nn::functional;

MemoryBank::MemoryBank(int64_t size, int64_t dim, at::Generator& generator, torch::Device device) {
  if (size < 2 || dim < 1) throw std::invalid_argument("memory bank needs at least 2 entries and dim >= 1");
  features_ = F::normalize(torch::randn({size, dim}, generator), F::NormalizeFuncOptions().dim(1)).to(device);
  written_at_ = torch::full({size}, -1, torch::kInt64);
}

torch::Tensor MemoryBank::sample_negatives(const torch::Tensor& ids, int64_t k, at::Generator& generator) const {
  // Uniform over the size - 1 other entries: draw from [0, size - 1) and step over the own index.
  auto own = ids.to(torch::kCPU, torch::kInt64).unsqueeze(1);
  auto draw = torch::randint(size() - 1, {own.size(0), k}, generator, torch::kInt64);
  return to_device_async(draw + (draw >= own).to(torch::kInt64), features_.device());
}

void MemoryBank::update(const torch::Tensor& ids, const torch::Tensor& q, int64_t step) {
  torch::NoGradGuard no_grad;
  auto rows = to_device_async(ids, features_.device());
  auto mixed = features_.index_select(0, rows) * kMomentum + q.detach() * (1.0 - kMomentum);
  features_.index_copy_(0, rows, F::normalize(mixed, F::NormalizeFuncOptions().dim(1)));
  written_at_.index_fill_(0, ids.to(torch::kCPU), step);
}

double MemoryBank::fill_fraction() const { return written_fraction(written_at_); }

std::pair<double, double> MemoryBank::age_stats(int64_t step) const { return write_age_stats(written_at_, step); }

void MemoryBank::restore(const torch::Tensor& features, const torch::Tensor& written_at) {
  if (features.sizes() != features_.sizes() || written_at.numel() != size())
    throw std::runtime_error("checkpoint memory bank does not match the configuration (images x dim = " +
                             std::to_string(size()) + " x " + std::to_string(dim()) + ")");
  features_.copy_(features);
  written_at_.copy_(written_at);
}

}  // namespace moco
