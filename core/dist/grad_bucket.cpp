#include "dist/grad_bucket.h"

namespace moco {

GradReducer::GradReducer(World& world, std::vector<torch::Tensor> parameters, int64_t bucket_bytes)
    : world_(world), parameters_(std::move(parameters)) {
  int64_t bytes = bucket_bytes;  // forces a new bucket for the first parameter
  torch::ScalarType dtype = torch::kFloat32;
  for (size_t i = 0; i < parameters_.size(); ++i) {
    const auto& p = parameters_[i];
    const int64_t size = p.numel() * int64_t(p.element_size());
    // A bucket holds one dtype (it is one flat tensor).
    if (buckets_.empty() || bytes + size > bucket_bytes || p.scalar_type() != dtype) {
      buckets_.emplace_back();
      bytes = 0;
      dtype = p.scalar_type();
    }
    buckets_.back().push_back(i);
    bytes += size;
  }
}

void GradReducer::average() {
  if (!world_.distributed()) return;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> flats;
  std::vector<World::Pending> pending;
  for (const auto& bucket : buckets_) {
    std::vector<torch::Tensor> parts;
    for (size_t i : bucket) {
      const auto& p = parameters_[i];
      parts.push_back(p.grad().defined() ? p.grad().reshape({-1}) : torch::zeros({p.numel()}, p.options()));
    }
    flats.push_back(torch::cat(parts));
    pending.push_back(world_.allreduce_sum_async(flats.back()));
  }
  const double scale = 1.0 / double(world_.size());
  for (size_t b = 0; b < buckets_.size(); ++b) {
    pending[b].wait();
    flats[b].mul_(scale);
    int64_t offset = 0;
    for (size_t i : buckets_[b]) {
      auto& p = parameters_[i];
      const int64_t n = p.numel();
      auto mean = flats[b].narrow(0, offset, n).view(p.sizes());
      if (p.grad().defined()) p.mutable_grad().copy_(mean);
      else p.mutable_grad() = mean.clone();
      offset += n;
    }
  }
}

void broadcast_tensors(World& world, const std::vector<torch::Tensor>& tensors, int root) {
  if (!world.distributed()) return;
  torch::NoGradGuard no_grad;
  // One flat float64 tensor: holds float parameters and integer step counts exactly.
  std::vector<torch::Tensor> flat;
  for (const auto& t : tensors) flat.push_back(t.detach().reshape({-1}).to(torch::kFloat64));
  auto all = torch::cat(flat);
  world.broadcast(all, root);
  int64_t offset = 0;
  for (auto t : tensors) {
    const int64_t n = t.numel();
    t.detach().copy_(all.narrow(0, offset, n).view(t.sizes()));
    offset += n;
  }
}

}  // namespace moco
