#include "tsne/knn_graph.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace moco::tsne {
namespace {

// References scored together, as one GCC/Clang vector of 16 floats: each lane holds its own sum, so no
// float addition is reordered, and the compiler maps it onto whatever SIMD registers the target has
// (it fails to vectorise the equivalent plain loop well on its own).
constexpr int kLanes = 16;
using LaneVector = float __attribute__((vector_size(kLanes * sizeof(float))));
// Queries per work item: large enough to amortise scheduling, small enough to balance two threads.
constexpr int64_t kQueryBlock = 32;

// Reference points regrouped as [block][dim][lane], padded with zeros to whole blocks.
std::vector<float> pack_references(const float* data, int64_t n, int64_t dim) {
  const int64_t blocks = (n + kLanes - 1) / kLanes;
  std::vector<float> packed(size_t(blocks * dim * kLanes), 0.0f);
  for (int64_t j = 0; j < n; ++j) {
    float* dst = packed.data() + (j / kLanes) * dim * kLanes + j % kLanes;
    for (int64_t d = 0; d < dim; ++d) dst[d * kLanes] = data[j * dim + d];
  }
  return packed;
}

// Squared distances from `query` to every packed reference (padding lanes included) into `row`.
void distances_to_all(const float* query, const std::vector<float>& packed, int64_t dim, std::vector<float>& row) {
  const int64_t blocks = int64_t(row.size()) / kLanes;
  for (int64_t b = 0; b < blocks; ++b) {
    const float* block = packed.data() + b * dim * kLanes;
    LaneVector sum = {};
    for (int64_t d = 0; d < dim; ++d) {
      LaneVector reference;
      std::memcpy(&reference, block + d * kLanes, sizeof reference);
      const LaneVector diff = query[d] - reference;
      sum += diff * diff;
    }
    std::memcpy(row.data() + b * kLanes, &sum, sizeof sum);
  }
}

// Keeps the k smallest (distance, id) pairs of `row` except `self` in a bounded max-heap, then sorts them.
void select_nearest(const std::vector<float>& row, int64_t n, int64_t self, int k,
                    std::vector<std::pair<float, int32_t>>& heap) {
  heap.clear();
  for (int64_t j = 0; j < n; ++j) {
    if (j == self) continue;
    const std::pair<float, int32_t> candidate{row[j], int32_t(j)};
    if (int(heap.size()) < k) {
      heap.push_back(candidate);
      std::push_heap(heap.begin(), heap.end());
    } else if (candidate < heap.front()) {
      std::pop_heap(heap.begin(), heap.end());
      heap.back() = candidate;
      std::push_heap(heap.begin(), heap.end());
    }
  }
  std::sort_heap(heap.begin(), heap.end());
}

}  // namespace

NeighbourGraph exact_knn(const float* data, int64_t n, int64_t dim, int k, WorkerPool& pool,
                         const std::atomic<bool>* stop) {
  const std::vector<float> packed = pack_references(data, n, dim);
  NeighbourGraph graph;
  graph.index.resize(size_t(n * k));
  graph.sq_distance.resize(size_t(n * k));
  std::atomic<bool> stopped{false};
  pool.parallel_for(n, kQueryBlock, [&](int64_t begin, int64_t end) {
    if (stop && stop->load()) {
      stopped = true;
      return;
    }
    std::vector<float> row(packed.size() / size_t(dim));
    std::vector<std::pair<float, int32_t>> heap;
    heap.reserve(size_t(k));
    for (int64_t i = begin; i < end; ++i) {
      distances_to_all(data + i * dim, packed, dim, row);
      select_nearest(row, n, i, k, heap);
      for (int slot = 0; slot < k; ++slot) {
        graph.sq_distance[size_t(i * k + slot)] = heap[size_t(slot)].first;
        graph.index[size_t(i * k + slot)] = heap[size_t(slot)].second;
      }
    }
  });
  if (stopped) return {};
  graph.n = n;
  graph.k = k;
  return graph;
}

}  // namespace moco::tsne
