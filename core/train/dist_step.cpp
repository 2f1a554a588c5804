#include "train/dist_step.h"

#include "model/encoders.h"

namespace moco {
namespace {

// allgather concatenates rank by rank (rank 0's n rows, rank 1's ...); global order is interleaved
// (row i from rank i % W). Rank-major W x n x ... -> n x W x ... -> global rows.
torch::Tensor rank_major_to_global(const torch::Tensor& gathered, int64_t world) {
  auto sizes = gathered.sizes().vec();
  const int64_t n = sizes[0] / world;
  std::vector<int64_t> split{world, n};
  split.insert(split.end(), sizes.begin() + 1, sizes.end());
  return gathered.view(split).transpose(0, 1).reshape(sizes);
}

}  // namespace

torch::Tensor rank_rows(const torch::Tensor& global, const World& world) {
  if (!world.distributed()) return global;
  return global.slice(0, world.rank(), c10::nullopt, world.size());
}

AugmentParams rank_rows(const AugmentParams& g, const World& world) {
  if (!world.distributed()) return g;
  const auto rows = [&](const torch::Tensor& t) { return t.defined() ? rank_rows(t, world).contiguous() : t; };
  return {rows(g.crop), rows(g.flip), rows(g.jitter), rows(g.jitter_factors), rows(g.jitter_order),
          rows(g.grayscale), rows(g.blur), rows(g.sigma)};
}

SharedKeys encode_keys_across(World& world, MocoModel& model, const torch::Tensor& x_local, at::Generator& shuffle_generator) {
  torch::NoGradGuard no_grad;
  const int64_t w = world.size();
  auto x = rank_major_to_global(world.allgather(x_local), w);
  // Every rank draws the same permutation from the same generator; rank 0's is broadcast anyway,
  // as the reference does, so that a rank whose draw differed could not split the batch otherwise.
  auto shuffle = torch::randperm(x.size(0), shuffle_generator, torch::kInt64).to(x.device());
  world.broadcast(shuffle, 0);
  auto mine = rank_rows(x.index_select(0, shuffle), world);
  auto k = l2_normalize(model.key_features(mine));
  auto shuffled = rank_major_to_global(world.allgather(k), w);
  auto global = shuffled.index_select(0, shuffle.argsort(int64_t(0)));
  return {rank_rows(global, world).contiguous(), global};
}

MechanismForward queue_forward_across(World& world, MocoModel& model, const Config& c, const torch::Tensor& global_ids,
                                      const torch::Tensor& x_q, const torch::Tensor& x_k, at::Generator& shuffle_generator) {
  model.momentum_update(c.moco.momentum);  // before the keys are computed, as Algorithm 1
  // The same order of encoder calls as MocoModel::contrastive, so BN statistics evolve alike.
  const auto direction = [&](const torch::Tensor& a, const torch::Tensor& b) {
    auto q = model.encode_queries(a);
    auto k = encode_keys_across(world, model, b, shuffle_generator);
    auto logits = infonce_logits(q, k.local, model.queue.keys(), c.moco.temperature);
    return std::make_pair(logits, k.global);
  };
  auto [logits, keys] = direction(x_q, x_k);
  MechanismForward f{infonce_loss(logits), logits.detach(), keys, global_ids, {}};
  if (c.moco.symmetric) {
    auto [reverse_logits, reverse_keys] = direction(x_k, x_q);
    f.loss = f.loss + infonce_loss(reverse_logits);
    f.keys = torch::cat({reverse_keys, keys});
    f.key_ids = torch::cat({global_ids, global_ids});
  }
  return f;
}

}  // namespace moco
