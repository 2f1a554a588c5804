// The gradient of t-SNE's cost KL(P || Q) for a 2-D layout, as sklearn's _kl_divergence_bh computes it:
//   dC/dy_i = 4 * ( sum_j P_ij w_ij (y_i - y_j)  -  sum_j w_ij^2 (y_i - y_j) / Z ),
// with w_ij = 1 / (1 + |y_i - y_j|^2) and Z = sum over pairs i != j of w_ij. The attractive sum runs
// over P's sparse entries exactly; the repulsive sums come from the Barnes-Hut quadtree.
#pragma once

#include <vector>

#include "tsne/affinities.h"
#include "tsne/parallel.h"
#include "tsne/quadtree.h"

namespace moco::tsne {

class BarnesHutGradient {
 public:
  // Keeps references to `p` and `pool`, which must outlive this object.
  BarnesHutGradient(const SparseAffinities& p, float theta, WorkerPool& pool);

  // Writes dC/dy at `layout` into `gradient` (both n x 2), with P multiplied by `exaggeration`.
  // Returns Z for this layout, which kl_divergence() needs.
  double compute(const std::vector<float>& layout, float exaggeration, std::vector<float>& gradient);

  // KL(P || Q) of `layout`, where Q_ij = w_ij / Z, with `z` as compute() returned it for that layout.
  double kl_divergence(const std::vector<float>& layout, double z) const;

 private:
  // The unnormalised repulsion of every point, from the tree built for `layout`.
  void repel(const std::vector<float>& layout);
  // sum_j P_ij w_ij (y_i - y_j) per point, times `exaggeration`, into `force`.
  void attract(const std::vector<float>& layout, float exaggeration, std::vector<float>& force) const;

  const SparseAffinities& p_;
  float theta_sq_;
  WorkerPool& pool_;
  QuadTree tree_;
  std::vector<float> repulsion_force_;  // n x 2 unnormalised repulsive sums of the current layout
  std::vector<double> repulsion_z_;     // per point, summed in a fixed order so Z is thread-count independent
};

}  // namespace moco::tsne
