#include "tsne/quadtree.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace moco::tsne {
namespace {

// Points a leaf may hold. A leaf's points share one tree walk (collect_bodies), and the points of the
// leaves it reaches are summed exactly, more accurately than sklearn's one-point leaves; 32 was the
// fastest of 8 to 128 at 5 000 points.
constexpr int32_t kLeafCapacity = 32;
// Depth at which splitting stops: cells are then 2^-24 of the layout's extent, below float resolution,
// so only (near-)duplicate points remain together; the leaf sums them exactly.
constexpr int kMaxDepth = 24;
// Traversal stack: each opened node replaces itself with up to 4 children, at most once per level.
constexpr int kStackSize = 3 * kMaxDepth + 4;

}  // namespace

void QuadTree::build(const std::vector<float>& layout) {
  const auto n = int32_t(layout.size() / 2);
  points_.resize(size_t(n));
  for (int32_t i = 0; i < n; ++i) points_[size_t(i)] = {layout[2 * size_t(i)], layout[2 * size_t(i) + 1], i};
  float min_x = points_[0].x, max_x = min_x, min_y = points_[0].y, max_y = min_y;
  for (const Point& p : points_) {
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  nodes_.assign(1, Node{});
  leaves_.clear();
  split(0, 0, n, 0.5f * (min_x + max_x), 0.5f * (min_y + max_y), 0.5f * std::max(max_x - min_x, max_y - min_y), 0);
}

void QuadTree::split(int32_t node, int32_t begin, int32_t end, float cx, float cy, float half, int depth) {
  double sum_x = 0.0, sum_y = 0.0;
  for (int32_t k = begin; k < end; ++k) {
    sum_x += points_[size_t(k)].x;
    sum_y += points_[size_t(k)].y;
  }
  const int32_t count = end - begin;
  Node& filled = nodes_[size_t(node)];
  filled.count = count;
  filled.sq_width = 4.0f * half * half;
  filled.com_x = float(sum_x / count);
  filled.com_y = float(sum_y / count);
  if (count <= kLeafCapacity || depth >= kMaxDepth) {
    filled.first = begin;
    leaves_.push_back(node);
    return;
  }

  // Quadrants in the order (left, bottom), (right, bottom), (left, top), (right, top).
  Point* p = points_.data();
  auto below = [&](const Point& point) { return point.y < cy; };
  auto left = [&](const Point& point) { return point.x < cx; };
  const auto middle = int32_t(std::partition(p + begin, p + end, below) - p);
  const auto bottom_split = int32_t(std::partition(p + begin, p + middle, left) - p);
  const auto top_split = int32_t(std::partition(p + middle, p + end, left) - p);

  // Only non-empty quadrants become nodes, so traversals never visit empty cells.
  const int32_t bounds[5] = {begin, bottom_split, middle, top_split, end};
  const float quarter = 0.5f * half;
  const float centre_x[4] = {cx - quarter, cx + quarter, cx - quarter, cx + quarter};
  const float centre_y[4] = {cy - quarter, cy - quarter, cy + quarter, cy + quarter};
  int32_t children = 0;
  for (int q = 0; q < 4; ++q) children += bounds[q + 1] > bounds[q] ? 1 : 0;
  const auto first_child = int32_t(nodes_.size());
  filled.first = first_child;
  filled.children = children;
  nodes_.resize(nodes_.size() + size_t(children));  // invalidates `filled`
  int32_t child = first_child;
  for (int q = 0; q < 4; ++q)
    if (bounds[q + 1] > bounds[q])
      split(child++, bounds[q], bounds[q + 1], centre_x[q], centre_y[q], quarter, depth + 1);
}

QuadTree::PointRange QuadTree::leaf_points(size_t leaf) const {
  const Node& node = nodes_[size_t(leaves_[leaf])];
  return {points_.data() + node.first, points_.data() + node.first + node.count};
}

bool QuadTree::collect_bodies(size_t leaf, float theta_sq, BodyList& bodies) const {
  // A circle around the leaf's points: a cell passes the opening test for all of them when it passes
  // it for the circle's nearest edge.
  const PointRange group = leaf_points(leaf);
  float min_x = group.first->x, max_x = min_x, min_y = group.first->y, max_y = min_y;
  for (const Point& p : group) {
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  const float cx = 0.5f * (min_x + max_x), cy = 0.5f * (min_y + max_y);
  const float radius = 0.5f * std::hypot(max_x - min_x, max_y - min_y);

  bodies.clear();
  bool own_points_single = false;
  std::array<int32_t, kStackSize> stack;
  int top = 0;
  stack[size_t(top++)] = 0;
  while (top > 0) {
    const int32_t index = stack[size_t(--top)];
    const Node& node = nodes_[size_t(index)];
    const float dx = cx - node.com_x, dy = cy - node.com_y;
    const float gap = std::sqrt(dx * dx + dy * dy) - radius;  // distance from the nearest point of the circle
    if (gap > 0.0f && node.sq_width < theta_sq * gap * gap) {
      bodies.add(node.com_x, node.com_y, float(node.count));
    } else if (node.children == 0) {
      for (int32_t k = node.first; k < node.first + node.count; ++k)
        bodies.add(points_[size_t(k)].x, points_[size_t(k)].y, 1.0f);
      own_points_single = own_points_single || index == leaves_[leaf];
    } else {
      for (int32_t c = 0; c < node.children; ++c) stack[size_t(top++)] = node.first + c;
    }
  }
  return own_points_single;
}

}  // namespace moco::tsne
