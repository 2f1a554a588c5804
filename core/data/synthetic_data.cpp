#include "data/synthetic_data.h"

#include <cmath>

#include "runtime/rng.h"

namespace moco {
namespace {

const std::vector<std::string> kShapeNames = {"disk",  "square",   "triangle", "plus",     "ring",
                                              "crescent", "x-cross", "bar",      "half-disk", "frame"};

// Inside-masks of the ten shapes in shape coordinates (u, v), unit size: N x H x W booleans.
torch::Tensor shape_masks(const torch::Tensor& u, const torch::Tensor& v) {
  const auto r2 = u * u + v * v;
  const auto au = u.abs(), av = v.abs();
  const auto box = torch::maximum(au, av);
  std::vector<torch::Tensor> m;
  m.push_back(r2 < 1.0);
  m.push_back(box < 0.8);
  m.push_back((v > -0.7) & (v < 0.8) & (au < (0.8 - v) * 0.62));
  m.push_back(((au < 0.3) & (av < 1.0)) | ((av < 0.3) & (au < 1.0)));
  m.push_back((r2 < 1.0) & (r2 > 0.55 * 0.55));
  m.push_back((r2 < 1.0) & ((u - 0.45) * (u - 0.45) + v * v > 0.65 * 0.65));
  m.push_back(((au - av).abs() < 0.28) & (box < 0.9));
  m.push_back((au < 1.0) & (av < 0.35));
  m.push_back((r2 < 1.0) & (v > 0.0));
  m.push_back((box < 0.9) & (box > 0.55));
  return torch::stack(m, 1);  // N x 10 x H x W
}

}  // namespace

ImageSplit make_synthetic_split(int64_t per_class, int64_t side, uint64_t seed) {
  auto gen = make_generator(seed, RngStream::Synthetic, 0);
  const int64_t n = per_class * kSyntheticClasses;
  auto labels = torch::arange(kSyntheticClasses, torch::kInt64).repeat_interleave(per_class);
  labels = labels.index_select(0, torch::randperm(n, gen, torch::kInt64));
  auto uniform = [&](double lo, double hi) {
    return (torch::rand({n, 1, 1}, gen) * (hi - lo) + lo);
  };
  const auto size = uniform(0.22, 0.42) * side;  // radius in pixels
  const auto cx = uniform(0.35, 0.65) * side, cy = uniform(0.35, 0.65) * side;
  const auto angle = uniform(-M_PI / 6, M_PI / 6);
  auto coords = torch::arange(side, torch::kFloat32) + 0.5;
  const auto ys = coords.view({1, side, 1}), xs = coords.view({1, 1, side});
  const auto dx = (xs - cx) / size, dy = (ys - cy) / size;
  const auto c = angle.cos(), s = angle.sin();
  const auto u = dx * c + dy * s, v = -dx * s + dy * c;
  auto inside = shape_masks(u, v)
                    .gather(1, labels.view({n, 1, 1, 1}).expand({n, 1, side, side}))
                    .to(torch::kFloat32);  // N x 1 x H x W
  // Foreground and background colours far enough apart to keep the shape visible.
  auto background = torch::rand({n, 3, 1, 1}, gen) * 0.6;
  auto foreground = (background + 0.35 + torch::rand({n, 3, 1, 1}, gen) * 0.65).remainder(1.0);
  const auto gap = (foreground - background).abs().sum(1, true);
  foreground = torch::where(gap < 0.6, 1.0 - background, foreground);
  auto image = inside * foreground + (1 - inside) * background;
  image = image + torch::randn({n, 3, side, side}, gen) * 0.03;
  ImageSplit split;
  split.images = (image.clamp(0, 1) * 255).round().to(torch::kUInt8).contiguous();
  split.labels = labels;
  return split;
}

ImageDataset make_synthetic_dataset(int64_t per_class, int64_t side, uint64_t seed) {
  ImageDataset d;
  d.name = "synthetic";
  d.class_names = kShapeNames;
  d.train = make_synthetic_split(per_class, side, seed);
  d.test = make_synthetic_split(std::max<int64_t>(1, per_class / 5), side, seed + 1000003);
  return d;
}

}  // namespace moco
