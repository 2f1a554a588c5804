// The bodies that repel a group of nearby points in the Barnes-Hut approximation: whole quadtree cells
// (at their centre of mass, with their point count as mass) and single points (mass 1). Gathering them
// once per group of points and then summing over the flat list, without branches and several bodies at
// a time, is much faster than walking the tree once per point.
#pragma once

#include <vector>

namespace moco::tsne {

// Repulsion on one point: sum over bodies b of m_b w_b^2 (y - y_b) and of m_b w_b, where
// w_b = 1 / (1 + |y - y_b|^2) is t-SNE's unnormalised Student-t similarity.
struct Repulsion {
  float fx = 0.0f, fy = 0.0f;
  float z = 0.0f;
};

class BodyList {
 public:
  void clear();
  void add(float x, float y, float mass);
  // The repulsion of all the bodies on a point at (x, y); a body at the point itself adds w = 1 to z.
  Repulsion repulsion_on(float x, float y) const;

 private:
  std::vector<float> x_, y_, mass_;
};

}  // namespace moco::tsne
