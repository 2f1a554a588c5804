// A quadtree over a 2-D layout, stored in flat arrays, for the Barnes-Hut approximation of t-SNE's
// repulsive forces: a cell far enough away acts as one body of its total mass at its centre of mass.
// Rebuilt every iteration (the layout moves); building reuses the arrays' storage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tsne/body_list.h"

namespace moco::tsne {

class QuadTree {
 public:
  struct Point {
    float x, y;
    int32_t id;  // index in the layout
  };
  // The points of one leaf.
  struct PointRange {
    const Point* first;
    const Point* last;
    const Point* begin() const { return first; }
    const Point* end() const { return last; }
  };

  // Rebuilds the tree over n points given as (x, y) pairs.
  void build(const std::vector<float>& layout);

  // Leaves hold up to a few points each; together they hold every point once.
  size_t leaf_count() const { return leaves_.size(); }
  PointRange leaf_points(size_t leaf) const;

  // Fills `bodies` with what repels the points of leaf number `leaf`: every cell whose squared width
  // is below theta_sq times its squared distance to each of those points, as one body, and the
  // single points of the leaves reached otherwise. Returns whether the leaf's own points are among
  // those single points, as they always are for theta < 1 / sqrt(2) (no cell holding a point can be
  // far enough from it); a larger theta can fold them into a summarised ancestor cell instead.
  bool collect_bodies(size_t leaf, float theta_sq, BodyList& bodies) const;

 private:
  struct Node {
    float com_x = 0.0f, com_y = 0.0f;  // centre of mass of the points below
    float sq_width = 0.0f;             // squared side of the square cell
    int32_t count = 0;                 // points below
    int32_t first = 0;                 // inner node: index of its first child; leaf: offset in points_
    int32_t children = 0;              // non-empty quadrants, stored consecutively from `first`; 0 for a leaf
  };

  // Fills node `node` with the points points_[begin, end) of the square cell centred at (cx, cy) with
  // half-side `half`, splitting it into quadrants while it holds too many points.
  void split(int32_t node, int32_t begin, int32_t end, float cx, float cy, float half, int depth);

  std::vector<Node> nodes_;
  std::vector<int32_t> leaves_;  // node indices of the leaves, in depth-first (spatially coherent) order
  std::vector<Point> points_;    // the layout's points, grouped by cell
};

}  // namespace moco::tsne
