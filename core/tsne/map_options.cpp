#include "tsne/map_options.h"

#include <algorithm>

namespace moco {
namespace {
constexpr int kColdIterations = 750;  // with the 250 exaggerated ones
constexpr int kWarmIterations = 300;  // a warm start only has to follow the features' drift
constexpr int kSnapshotEvery = 25;    // iterations between drawn frames: ~10-30 frames per map
}  // namespace

TsneOptions feature_map_options(int64_t points, bool warm_start, int threads) {
  TsneOptions options;
  // sklearn's 30, lowered for tiny maps: perplexity must stay below the number of points.
  options.perplexity = std::min(30.0, std::max(2.0, double(points - 1) / 3.0));
  options.iterations = warm_start ? kWarmIterations : kColdIterations;
  options.snapshot_every = kSnapshotEvery;
  options.seed = 0;  // the same snapshot gives the same map
  options.threads = std::max(1, threads);
  return options;
}

}  // namespace moco
