#include "tsne/initial_layout.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace moco::tsne {
namespace {

constexpr double kInitialStd = 1e-4;         // sklearn's scale of the starting layout
constexpr int kMaxPowerIterations = 1000;    // subspace iteration on a D x D matrix: cheap next to the data pass
constexpr double kPowerTolerance = 1e-10;    // change in the unit eigenvector estimates that counts as converged
constexpr double kCollinearRatio = 1e-6;     // second-axis spread, relative to the first, below which it is noise
constexpr int64_t kCovarianceRowsPerTask = 8;  // rows of the scatter matrix per work item
constexpr double kTwoPi = 6.283185307179586;

// Standard normal draws from std::mt19937_64 by Box-Muller, written out so the values are the same
// with every standard library (std::normal_distribution's algorithm is unspecified).
class NormalDraws {
 public:
  explicit NormalDraws(uint64_t seed) : engine_(seed) {}
  double next() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
  }

 private:
  double uniform() { return double(engine_() >> 11) * 0x1.0p-53; }  // [0, 1) from the top 53 bits
  std::mt19937_64 engine_;
};

// Upper-and-lower filled D x D scatter matrix of the centred data (covariance up to a factor).
std::vector<double> scatter_matrix(const std::vector<float>& centred, int64_t n, int64_t dim, WorkerPool& pool) {
  std::vector<double> scatter(size_t(dim * dim), 0.0);
  pool.parallel_for(dim, kCovarianceRowsPerTask, [&](int64_t first_row, int64_t last_row) {
    for (int64_t i = 0; i < n; ++i) {
      const float* x = centred.data() + i * dim;
      for (int64_t a = first_row; a < last_row; ++a) {
        const double xa = x[a];
        double* row = scatter.data() + a * dim;
        for (int64_t b = a; b < dim; ++b) row[b] += xa * double(x[b]);
      }
    }
  });
  for (int64_t a = 0; a < dim; ++a)
    for (int64_t b = 0; b < a; ++b) scatter[size_t(a * dim + b)] = scatter[size_t(b * dim + a)];
  return scatter;
}

// Scales v to unit length; leaves it all zero when it has no length (rank-deficient data).
void normalise(std::vector<double>& v) {
  double norm = 0.0;
  for (double x : v) norm += x * x;
  norm = std::sqrt(norm);
  for (double& x : v) x = norm > 0.0 ? x / norm : 0.0;
}

// The two leading eigenvectors of the symmetric positive semi-definite `matrix`, by subspace iteration
// with Gram-Schmidt from a seeded random start.
std::vector<std::vector<double>> leading_eigenvectors(const std::vector<double>& matrix, int64_t dim, uint64_t seed) {
  NormalDraws draws(seed);
  std::vector<std::vector<double>> basis(2, std::vector<double>(size_t(dim)));
  for (auto& v : basis)
    for (double& x : v) x = draws.next();
  std::vector<std::vector<double>> next = basis;
  for (int iteration = 0; iteration < kMaxPowerIterations; ++iteration) {
    for (int c = 0; c < 2; ++c)
      for (int64_t a = 0; a < dim; ++a) {
        double sum = 0.0;
        for (int64_t b = 0; b < dim; ++b) sum += matrix[size_t(a * dim + b)] * basis[size_t(c)][size_t(b)];
        next[size_t(c)][size_t(a)] = sum;
      }
    normalise(next[0]);
    double overlap = 0.0;
    for (int64_t a = 0; a < dim; ++a) overlap += next[1][size_t(a)] * next[0][size_t(a)];
    for (int64_t a = 0; a < dim; ++a) next[1][size_t(a)] -= overlap * next[0][size_t(a)];
    normalise(next[1]);
    double change = 0.0;
    for (int c = 0; c < 2; ++c)
      for (int64_t a = 0; a < dim; ++a)
        change = std::max(change, std::fabs(next[size_t(c)][size_t(a)] - basis[size_t(c)][size_t(a)]));
    basis.swap(next);
    if (change < kPowerTolerance) break;
  }
  return basis;
}

double column_std(const std::vector<double>& scores, int column) {
  const size_t n = scores.size() / 2;
  double mean = 0.0, sq = 0.0;
  for (size_t i = 0; i < n; ++i) mean += scores[2 * i + size_t(column)];
  mean /= double(n);
  for (size_t i = 0; i < n; ++i) {
    const double deviation = scores[2 * i + size_t(column)] - mean;
    sq += deviation * deviation;
  }
  return std::sqrt(sq / double(n));
}

}  // namespace

std::vector<float> random_layout(int64_t n, uint64_t seed) {
  NormalDraws draws(seed);
  std::vector<float> layout(size_t(2 * n));
  for (float& x : layout) x = float(kInitialStd * draws.next());
  return layout;
}

std::vector<float> pca_layout(const float* data, int64_t n, int64_t dim, uint64_t seed, WorkerPool& pool) {
  std::vector<double> mean(size_t(dim), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t d = 0; d < dim; ++d) mean[size_t(d)] += data[i * dim + d];
  for (double& m : mean) m /= double(n);
  std::vector<float> centred(size_t(n * dim));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t d = 0; d < dim; ++d) centred[size_t(i * dim + d)] = float(data[i * dim + d] - mean[size_t(d)]);

  const auto axes = leading_eigenvectors(scatter_matrix(centred, n, dim, pool), dim, seed);
  std::vector<double> scores(size_t(2 * n), 0.0);
  for (int c = 0; c < 2; ++c) {
    double extreme = 0.0;  // the score of largest magnitude decides the axis' sign
    for (int64_t i = 0; i < n; ++i) {
      double s = 0.0;
      for (int64_t d = 0; d < dim; ++d) s += double(centred[size_t(i * dim + d)]) * axes[size_t(c)][size_t(d)];
      scores[size_t(2 * i + c)] = s;
      if (std::fabs(s) > std::fabs(extreme)) extreme = s;
    }
    if (extreme < 0)
      for (int64_t i = 0; i < n; ++i) scores[size_t(2 * i + c)] = -scores[size_t(2 * i + c)];
  }

  const double spread = column_std(scores, 0);
  if (!(spread > 0.0)) return random_layout(n, seed);
  const bool collinear = column_std(scores, 1) < kCollinearRatio * spread;
  std::vector<float> layout(size_t(2 * n));
  for (size_t e = 0; e < layout.size(); ++e) layout[e] = float(scores[e] / spread * kInitialStd);
  if (collinear) {
    const std::vector<float> noise = random_layout(n, seed);
    for (int64_t i = 0; i < n; ++i) layout[size_t(2 * i + 1)] = noise[size_t(2 * i + 1)];
  }
  return layout;
}

}  // namespace moco::tsne
