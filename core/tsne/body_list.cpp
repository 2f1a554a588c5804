#include "tsne/body_list.h"

#include <cstring>

namespace moco::tsne {
namespace {

// Bodies handled together, as one GCC/Clang vector of 8 floats with an independent sum per lane (the
// compiler does not vectorise a float sum on its own, as that would reorder the additions).
constexpr size_t kLanes = 8;
using Lanes = float __attribute__((vector_size(kLanes * sizeof(float))));

void load(Lanes& lanes, const float* values) { std::memcpy(&lanes, values, sizeof lanes); }

}  // namespace

void BodyList::clear() {
  x_.clear();
  y_.clear();
  mass_.clear();
}

void BodyList::add(float x, float y, float mass) {
  x_.push_back(x);
  y_.push_back(y);
  mass_.push_back(mass);
}

Repulsion BodyList::repulsion_on(float x, float y) const {
  Lanes fx = {}, fy = {}, z = {};
  const size_t whole = x_.size() / kLanes * kLanes;
  for (size_t b = 0; b < whole; b += kLanes) {
    Lanes body_x, body_y, mass;
    load(body_x, &x_[b]);
    load(body_y, &y_[b]);
    load(mass, &mass_[b]);
    const Lanes dx = x - body_x, dy = y - body_y;
    const Lanes w = 1.0f / (1.0f + dx * dx + dy * dy);
    const Lanes mass_w = mass * w;
    z += mass_w;
    fx += mass_w * w * dx;
    fy += mass_w * w * dy;
  }
  Repulsion r;
  for (size_t lane = 0; lane < kLanes; ++lane) {
    r.fx += fx[lane];
    r.fy += fy[lane];
    r.z += z[lane];
  }
  for (size_t b = whole; b < x_.size(); ++b) {
    const float dx = x - x_[b], dy = y - y_[b];
    const float w = 1.0f / (1.0f + dx * dx + dy * dy);
    const float mass_w = mass_[b] * w;
    r.z += mass_w;
    r.fx += mass_w * w * dx;
    r.fy += mass_w * w * dy;
  }
  return r;
}

}  // namespace moco::tsne
