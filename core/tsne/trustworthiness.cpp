#include "tsne/trustworthiness.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tsne/parallel.h"

namespace moco {
namespace {

constexpr int64_t kRowsPerTask = 16;  // each row is an O(n * dim) pass; small blocks balance the threads

void check_finite(const float* values, int64_t count, const char* name) {
  for (int64_t e = 0; e < count; ++e)
    if (!std::isfinite(values[e]))
      throw std::invalid_argument(std::string("trustworthiness: ") + name + " has a non-finite value at flat index " +
                                  std::to_string(e));
}

void squared_distances_from(const float* points, int64_t n, int64_t dim, int64_t i, std::vector<double>& out) {
  const float* origin = points + i * dim;
  for (int64_t j = 0; j < n; ++j) {
    double sum = 0.0;
    for (int64_t d = 0; d < dim; ++d) {
      const double diff = double(origin[d]) - double(points[j * dim + d]);
      sum += diff * diff;
    }
    out[size_t(j)] = sum;
  }
}

// Penalty of point i: sum over its k embedded neighbours j of max(0, r(i, j) - k).
int64_t row_penalty(const float* high, const float* low, int64_t n, int64_t dim, int64_t low_dim, int k, int64_t i,
                    std::vector<double>& high_row, std::vector<double>& low_row) {
  squared_distances_from(high, n, dim, i, high_row);
  squared_distances_from(low, n, low_dim, i, low_row);
  std::vector<std::pair<double, int64_t>> embedded;
  embedded.reserve(size_t(n - 1));
  for (int64_t j = 0; j < n; ++j)
    if (j != i) embedded.emplace_back(low_row[size_t(j)], j);
  std::partial_sort(embedded.begin(), embedded.begin() + k, embedded.end());

  // r(i, j) = 1 + the number of other points strictly before j in i's (distance, index) order.
  std::vector<int64_t> rank(size_t(k), 1);
  for (int64_t l = 0; l < n; ++l) {
    if (l == i) continue;
    const std::pair<double, int64_t> candidate{high_row[size_t(l)], l};
    for (int slot = 0; slot < k; ++slot) {
      const int64_t j = embedded[size_t(slot)].second;
      if (candidate < std::pair<double, int64_t>{high_row[size_t(j)], j}) ++rank[size_t(slot)];
    }
  }
  int64_t penalty = 0;
  for (int64_t r : rank) penalty += std::max<int64_t>(0, r - k);
  return penalty;
}

}  // namespace

double trustworthiness(const float* high, int64_t n, int64_t dim, const float* low, int64_t low_dim, int k,
                       int threads) {
  if (!high || !low) throw std::invalid_argument("trustworthiness: the input or the embedding is null");
  if (dim < 1 || low_dim < 1)
    throw std::invalid_argument("trustworthiness: dimensions must be at least 1, got dim = " + std::to_string(dim) +
                                " and low_dim = " + std::to_string(low_dim));
  if (k < 1 || double(k) >= double(n) / 2.0)
    throw std::invalid_argument("trustworthiness: k = " + std::to_string(k) +
                                " must be at least 1 and less than n / 2 = " + std::to_string(double(n) / 2.0));
  check_finite(high, n * dim, "the input");
  check_finite(low, n * low_dim, "the embedding");

  std::vector<int64_t> penalties(size_t(n), 0);
  tsne::WorkerPool pool(tsne::resolve_threads(threads));
  pool.parallel_for(n, kRowsPerTask, [&](int64_t begin, int64_t end) {
    std::vector<double> high_row(static_cast<size_t>(n)), low_row(static_cast<size_t>(n));
    for (int64_t i = begin; i < end; ++i)
      penalties[size_t(i)] = row_penalty(high, low, n, dim, low_dim, k, i, high_row, low_row);
  });
  int64_t total = 0;
  for (int64_t p : penalties) total += p;
  const double nd = double(n), kd = double(k);
  return 1.0 - double(total) * (2.0 / (nd * kd * (2.0 * nd - 3.0 * kd - 1.0)));
}

}  // namespace moco
