#include "tsne/gradient.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace moco::tsne {
namespace {

constexpr int64_t kLeavesPerTask = 16;   // small blocks: the work per leaf varies with the local density
constexpr int64_t kPointsPerTask = 256;  // attraction and KL: even, cheap work per point
// A point among the bodies acting on itself adds w = 1 / (1 + 0) = 1 to its z (and nothing to its force).
constexpr double kSelfSimilarity = 1.0;
constexpr double kTiny = std::numeric_limits<float>::min();  // sklearn's FLOAT32_TINY guard inside the log
constexpr double kGradientFactor = 4.0;  // 2 (dof + 1) / dof for the Student t with dof = 1

// Neighbours handled together, as one GCC/Clang vector of 8 floats with an independent sum per lane
// (the compiler does not vectorise a float sum on its own, as that would reorder the additions).
constexpr int64_t kLanes = 8;
using Lanes = float __attribute__((vector_size(kLanes * sizeof(float))));

struct Attraction {
  float fx = 0.0f, fy = 0.0f;
};

// sum_j P_ij w_ij (y_i - y_j) over one row of P, for point i at (x, y).
Attraction row_attraction(const std::vector<float>& layout, float x, float y, const int32_t* columns,
                          const float* values, int64_t count) {
  Lanes fx = {}, fy = {};
  const int64_t whole = count / kLanes * kLanes;
  for (int64_t e = 0; e < whole; e += kLanes) {
    Lanes dx, dy, p;
    for (int64_t lane = 0; lane < kLanes; ++lane) {
      dx[lane] = x - layout[2 * size_t(columns[e + lane])];
      dy[lane] = y - layout[2 * size_t(columns[e + lane]) + 1];
    }
    std::memcpy(&p, values + e, sizeof p);
    const Lanes pw = p / (1.0f + dx * dx + dy * dy);
    fx += pw * dx;
    fy += pw * dy;
  }
  Attraction a;
  for (int64_t lane = 0; lane < kLanes; ++lane) {
    a.fx += fx[lane];
    a.fy += fy[lane];
  }
  for (int64_t e = whole; e < count; ++e) {
    const float dx = x - layout[2 * size_t(columns[e])], dy = y - layout[2 * size_t(columns[e]) + 1];
    const float pw = values[e] / (1.0f + dx * dx + dy * dy);
    a.fx += pw * dx;
    a.fy += pw * dy;
  }
  return a;
}

}  // namespace

BarnesHutGradient::BarnesHutGradient(const SparseAffinities& p, float theta, WorkerPool& pool)
    : p_(p), theta_sq_(theta * theta), pool_(pool) {}

double BarnesHutGradient::compute(const std::vector<float>& layout, float exaggeration, std::vector<float>& gradient) {
  tree_.build(layout);
  repel(layout);
  attract(layout, exaggeration, gradient);
  double z = 0.0;
  for (double part : repulsion_z_) z += part;
  const auto inverse_z = float(1.0 / z);
  for (size_t e = 0; e < gradient.size(); ++e)
    gradient[e] = float(kGradientFactor) * (gradient[e] - repulsion_force_[e] * inverse_z);
  return z;
}

void BarnesHutGradient::repel(const std::vector<float>& layout) {
  repulsion_force_.resize(layout.size());
  repulsion_z_.resize(layout.size() / 2);
  pool_.parallel_for(int64_t(tree_.leaf_count()), kLeavesPerTask, [&](int64_t begin, int64_t end) {
    BodyList bodies;
    for (int64_t leaf = begin; leaf < end; ++leaf) {
      const bool self_included = tree_.collect_bodies(size_t(leaf), theta_sq_, bodies);
      for (const QuadTree::Point& p : tree_.leaf_points(size_t(leaf))) {
        const Repulsion r = bodies.repulsion_on(p.x, p.y);
        repulsion_force_[2 * size_t(p.id)] = r.fx;
        repulsion_force_[2 * size_t(p.id) + 1] = r.fy;
        repulsion_z_[size_t(p.id)] = double(r.z) - (self_included ? kSelfSimilarity : 0.0);
      }
    }
  });
}

void BarnesHutGradient::attract(const std::vector<float>& layout, float exaggeration, std::vector<float>& force) const {
  const int64_t n = int64_t(layout.size() / 2);
  force.resize(layout.size());
  // Points in index order, so P's rows stream from memory (a separate pass for that reason).
  pool_.parallel_for(n, kPointsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const int64_t first = p_.row_start[size_t(i)], count = p_.row_start[size_t(i) + 1] - first;
      const Attraction a = row_attraction(layout, layout[2 * size_t(i)], layout[2 * size_t(i) + 1],
                                          p_.column.data() + first, p_.value.data() + first, count);
      force[2 * size_t(i)] = exaggeration * a.fx;
      force[2 * size_t(i) + 1] = exaggeration * a.fy;
    }
  });
}

double BarnesHutGradient::kl_divergence(const std::vector<float>& layout, double z) const {
  const int64_t n = int64_t(layout.size() / 2);
  std::vector<double> row_kl(size_t(n), 0.0);
  pool_.parallel_for(n, kPointsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      double sum = 0.0;
      for (int64_t e = p_.row_start[size_t(i)]; e < p_.row_start[size_t(i) + 1]; ++e) {
        const int32_t j = p_.column[size_t(e)];
        const double dx = layout[2 * size_t(i)] - layout[2 * size_t(j)];
        const double dy = layout[2 * size_t(i) + 1] - layout[2 * size_t(j) + 1];
        const double q = 1.0 / (1.0 + dx * dx + dy * dy) / z;
        const double p = p_.value[size_t(e)];
        sum += p * std::log(std::max(p, kTiny) / std::max(q, kTiny));
      }
      row_kl[size_t(i)] = sum;
    }
  });
  double kl = 0.0;
  for (double part : row_kl) kl += part;
  return kl;
}

}  // namespace moco::tsne
