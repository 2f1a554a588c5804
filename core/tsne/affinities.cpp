#include "tsne/affinities.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace moco::tsne {
namespace {

constexpr int kMaxSearchSteps = 100;          // sklearn's n_steps; bisection is far finer by then
constexpr double kEntropyTolerance = 1e-5;    // sklearn's PERPLEXITY_TOLERANCE, in nats
constexpr int64_t kPointsPerTask = 256;       // each search is cheap; batch them per work item

// Finds point i's bandwidth and writes its conditional probabilities into `out` (k values).
// Distances are taken relative to the nearest one: the normalised probabilities and the entropy are
// unchanged, but exp() can no longer underflow to an all-zero row for far-apart data.
void calibrate_point(const float* sq_distance, int k, double target_entropy, float* out) {
  const double nearest = sq_distance[0];
  std::vector<double> p(static_cast<size_t>(k));
  double beta = 1.0;
  double beta_low = -std::numeric_limits<double>::infinity();
  double beta_high = std::numeric_limits<double>::infinity();
  double sum = 1.0;
  for (int step = 0; step < kMaxSearchSteps; ++step) {
    sum = 0.0;
    double weighted_distance = 0.0;
    for (int j = 0; j < k; ++j) {
      const double d = sq_distance[j] - nearest;
      p[size_t(j)] = std::exp(-beta * d);
      sum += p[size_t(j)];
      weighted_distance += d * p[size_t(j)];
    }
    const double entropy = std::log(sum) + beta * weighted_distance / sum;
    const double excess = entropy - target_entropy;
    if (std::fabs(excess) <= kEntropyTolerance) break;
    if (excess > 0) {  // too flat: sharpen
      beta_low = beta;
      beta = std::isinf(beta_high) ? beta * 2.0 : (beta + beta_high) / 2.0;
    } else {
      beta_high = beta;
      beta = std::isinf(beta_low) ? beta / 2.0 : (beta + beta_low) / 2.0;
    }
  }
  // As sklearn, keep the probabilities of the last bandwidth evaluated.
  for (int j = 0; j < k; ++j) out[j] = float(p[size_t(j)] / sum);
}

}  // namespace

std::vector<float> conditional_probabilities(const NeighbourGraph& graph, double perplexity, WorkerPool& pool) {
  const int k = graph.k;
  std::vector<float> conditional(graph.sq_distance.size());
  const double target_entropy = std::log(perplexity);
  pool.parallel_for(graph.n, kPointsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      calibrate_point(graph.sq_distance.data() + i * k, k, target_entropy, conditional.data() + i * k);
  });
  return conditional;
}

SparseAffinities joint_probabilities(const NeighbourGraph& graph, const std::vector<float>& conditional) {
  const int64_t n = graph.n;
  const int k = graph.k;
  // Each edge i -> j lands in row i (column j) and, transposed, in row j (column i).
  std::vector<int64_t> cursor(size_t(n + 1), 0);
  for (int64_t e = 0; e < n * k; ++e) {
    ++cursor[size_t(e / k + 1)];
    ++cursor[size_t(graph.index[size_t(e)]) + 1];
  }
  for (int64_t i = 0; i < n; ++i) cursor[size_t(i + 1)] += cursor[size_t(i)];
  const std::vector<int64_t> raw_start = cursor;
  std::vector<std::pair<int32_t, double>> raw(static_cast<size_t>(cursor[size_t(n)]));  // not size_t(...): clang reads that as a function declaration
  for (int64_t e = 0; e < n * k; ++e) {
    const int32_t i = int32_t(e / k), j = graph.index[size_t(e)];
    raw[size_t(cursor[size_t(i)]++)] = {j, conditional[size_t(e)]};
    raw[size_t(cursor[size_t(j)]++)] = {i, conditional[size_t(e)]};
  }

  // Sort each row by column and add up the entries of pairs that are neighbours both ways.
  SparseAffinities p;
  p.row_start.assign(size_t(n + 1), 0);
  std::vector<double> merged;
  double total = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    auto first = raw.begin() + raw_start[size_t(i)], last = raw.begin() + raw_start[size_t(i + 1)];
    std::sort(first, last, [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto it = first; it != last; ++it) {
      const bool same_column = int64_t(p.column.size()) > p.row_start[size_t(i)] && p.column.back() == it->first;
      if (same_column) {
        merged.back() += it->second;
      } else {
        p.column.push_back(it->first);
        merged.push_back(it->second);
      }
      total += it->second;
    }
    p.row_start[size_t(i + 1)] = int64_t(p.column.size());
  }
  p.value.resize(merged.size());
  for (size_t e = 0; e < merged.size(); ++e) p.value[e] = float(merged[e] / total);
  return p;
}

}  // namespace moco::tsne
