// Exact k-nearest-neighbour graph by brute force: every pair's squared Euclidean distance, computed
// directly as a sum of squared differences (no |x|^2 + |y|^2 - 2xy shortcut, which loses the small
// distances that matter most here to cancellation). Fine for the n <= 10 000, dim <= 512 of t-SNE maps.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "tsne/parallel.h"

namespace moco::tsne {

struct NeighbourGraph {
  int64_t n = 0;
  int k = 0;
  std::vector<int32_t> index;      // n x k neighbour ids, nearest first
  std::vector<float> sq_distance;  // n x k squared Euclidean distances, ascending
};

// The k nearest neighbours of every point, itself excluded; equal distances go to the lower id.
// Returns an empty graph (n == 0) when `stop` is raised part-way.
NeighbourGraph exact_knn(const float* data, int64_t n, int64_t dim, int k, WorkerPool& pool,
                         const std::atomic<bool>* stop);

}  // namespace moco::tsne
