#include "augment/augment.h"

#include <array>
#include <cmath>
#include <stdexcept>

namespace moco {
namespace {

// any() of a parameter tensor, which lives on the host: read from memory rather than with item(),
// which the benchmarks count as a device synchronisation.
bool any_on_host(const torch::Tensor& host_flags) {
  const auto any = host_flags.any();
  return *any.data_ptr<bool>();
}

constexpr int kCropAttempts = 10;  // torchvision's RandomResizedCrop tries 10 boxes, then falls back

torch::Tensor bernoulli(int64_t n, double p, at::Generator& gen) {
  return torch::rand({n}, gen) < p;
}

torch::Tensor uniform(std::vector<int64_t> shape, double lo, double hi, at::Generator& gen) {
  return torch::rand(shape, gen) * (hi - lo) + lo;
}

// torchvision RandomResizedCrop.get_params, for all samples at once.
torch::Tensor sample_crops(int64_t n, int64_t height, int64_t width, const TransformConfig& c, at::Generator& gen) {
  if (!c.crop) return torch::tensor({0.f, 0.f, float(width), float(height)}).repeat({n, 1});
  const double area = double(height) * width;
  auto target = uniform({n, kCropAttempts}, c.crop_scale_min, c.crop_scale_max, gen) * area;
  auto aspect = uniform({n, kCropAttempts}, std::log(c.crop_ratio_min), std::log(c.crop_ratio_max), gen).exp();
  auto w = (target * aspect).sqrt().round();
  auto h = (target / aspect).sqrt().round();
  auto fx = torch::rand({n, kCropAttempts}, gen), fy = torch::rand({n, kCropAttempts}, gen);
  auto valid = (w > 0) & (w <= width) & (h > 0) & (h <= height);
  // Fallback: the central crop with the ratio clamped into range (as torchvision).
  const double in_ratio = double(width) / height;
  double fw = width, fh = height;
  if (in_ratio < c.crop_ratio_min) fh = std::round(fw / c.crop_ratio_min);
  else if (in_ratio > c.crop_ratio_max) fw = std::round(fh * c.crop_ratio_max);
  auto first_valid = valid.to(torch::kInt32).argmax(1, true);  // 0 when none is valid
  auto any_valid = valid.any(1);
  auto pick = [&](const torch::Tensor& t) { return t.gather(1, first_valid).squeeze(1); };
  auto bw = pick(w), bh = pick(h);
  // Offsets are whole pixels drawn uniformly from [0, W - w] like torch.randint.
  auto bx = (pick(fx) * (width - bw + 1)).floor().clamp_max(width - bw);
  auto by = (pick(fy) * (height - bh + 1)).floor().clamp_max(height - bh);
  auto boxes = torch::stack({bx, by, bw, bh}, 1);
  auto fallback = torch::tensor({float(std::floor((width - fw) / 2)), float(std::floor((height - fh) / 2)), float(fw), float(fh)});
  return torch::where(any_valid.unsqueeze(1), boxes, fallback.expand({n, 4})).to(torch::kFloat32);
}

torch::Tensor blend(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& ratio) {
  return (ratio * a + (1 - ratio) * b).clamp(0, 1);
}

}  // namespace

Augmenter::Augmenter(const TransformConfig& config, int64_t channels, int64_t height, int64_t width,
                     std::vector<double> mean, std::vector<double> std)
    : config_(config), channels_(channels), height_(height), width_(width), mean_(std::move(mean)), std_(std::move(std)) {
  if (channels != 1 && channels != 3)
    throw std::invalid_argument("augmentation supports 1 or 3 channels, got " + std::to_string(channels));
  if (int64_t(mean_.size()) != channels || int64_t(std_.size()) != channels)
    throw std::invalid_argument("normalisation needs one mean and std per channel");
}

AugmentParams Augmenter::sample(int64_t n, at::Generator& gen) const {
  const auto& c = config_;
  AugmentParams p;
  p.crop = sample_crops(n, height_, width_, c, gen);
  p.flip = bernoulli(n, c.flip_p, gen);
  p.jitter = bernoulli(n, c.jitter_p, gen);
  auto factor = [&](double strength) { return uniform({n}, std::max(0.0, 1 - strength), 1 + strength, gen); };
  auto brightness = factor(c.brightness), contrast = factor(c.contrast), saturation = factor(c.saturation);
  auto hue = uniform({n}, -c.hue, c.hue, gen);
  p.jitter_factors = torch::stack({brightness, contrast, saturation, hue}, 1);
  p.jitter_order = torch::rand({n, 4}, gen).argsort(int64_t(1));  // a random permutation per sample
  const bool colour = channels_ == 3;
  p.grayscale = bernoulli(n, c.grayscale_p, gen) & colour;
  p.blur = bernoulli(n, c.blur_p, gen);
  p.sigma = uniform({n}, c.blur_sigma_min, c.blur_sigma_max, gen) * p.blur.to(torch::kFloat32);
  return p;
}

torch::Tensor Augmenter::crop_and_flip(const torch::Tensor& images, const torch::Tensor& box, const torch::Tensor& flip,
                                       bool any_flip) const {
  auto x = images.to(torch::kFloat32).div_(255.0);
  const int64_t n = x.size(0), oh = output_height(), ow = output_width();
  const bool identity = !config_.crop && oh == height_ && ow == width_;
  if (identity && !any_flip) return x;
  // The crop box in normalised coordinates (align_corners = false: pixel edges span [-1, 1]).
  auto bx = box.select(1, 0), by = box.select(1, 1), bw = box.select(1, 2), bh = box.select(1, 3);
  auto sign = 1.0 - 2.0 * flip.to(torch::kFloat32);
  auto ax = bw / width_ * sign, cx = (2 * bx + bw) / width_ - 1;
  auto ay = bh / height_, cy = (2 * by + bh) / height_ - 1;
  auto zero = torch::zeros_like(ax);
  auto theta = torch::stack({torch::stack({ax, zero, cx}, 1), torch::stack({zero, ay, cy}, 1)}, 1);
  auto grid = torch::nn::functional::affine_grid(theta, {n, channels_, oh, ow}, /*align_corners=*/false);
  namespace F = torch::nn::functional;
  return F::grid_sample(x, grid,
                        F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kBorder).align_corners(false));
}

torch::Tensor Augmenter::color_jitter(torch::Tensor x, const AugmentParams& p) const {
  const auto device = x.device();
  // Row selection happens on the CPU copies of the parameters: no device synchronisation.
  auto factors = p.jitter_factors.to(device);
  const bool colour = channels_ == 3;
  for (int64_t position = 0; position < 4; ++position) {
    for (int64_t op = 0; op < 4; ++op) {
      if (!colour && (op == kSaturation || op == kHue)) continue;  // need colour
      auto cpu_rows = (p.jitter & (p.jitter_order.select(1, position) == op)).nonzero().squeeze(1);
      if (cpu_rows.numel() == 0) continue;
      auto rows = cpu_rows.to(device);
      auto f = factors.index_select(0, rows).select(1, op).view({-1, 1, 1, 1});
      auto img = jitter_op(x.index_select(0, rows), op, f);
      x = x.index_copy(0, rows, img);
    }
  }
  return x;
}

torch::Tensor Augmenter::jitter_op(const torch::Tensor& img, int64_t op, const torch::Tensor& f) const {
  const bool colour = channels_ == 3;
  if (op == kBrightness) return (img * f).clamp(0, 1);
  if (op == kContrast) return blend(img, (colour ? rgb_to_grayscale(img) : img).mean({1, 2, 3}, true), f);
  if (op == kSaturation) return blend(img, rgb_to_grayscale(img), f);
  auto hsv = rgb_to_hsv(img);
  auto h = (hsv.select(1, 0) + f.view({-1, 1, 1})).remainder(1.0);
  return hsv_to_rgb(torch::stack({h, hsv.select(1, 1), hsv.select(1, 2)}, 1));
}

torch::Tensor Augmenter::gaussian_blur(torch::Tensor x, const AugmentParams& p) const {
  auto cpu_rows = p.blur.nonzero().squeeze(1);  // on the CPU: no device synchronisation
  if (cpu_rows.numel() == 0) return x;
  const auto device = x.device();
  auto rows = cpu_rows.to(device);
  auto sigma = p.sigma.index_select(0, cpu_rows).to(device);
  return x.index_copy(0, rows, blur_rows(x.index_select(0, rows), sigma));
}

torch::Tensor Augmenter::blur_rows(const torch::Tensor& img, const torch::Tensor& row_sigma) const {
  const int64_t n = img.size(0), c = img.size(1), h = img.size(2), w = img.size(3);
  // Kernel of +-3 sigma_max, limited so reflect padding stays inside the image.
  int64_t radius = int64_t(std::ceil(3 * config_.blur_sigma_max));
  radius = std::max<int64_t>(1, std::min({radius, h - 1, w - 1}));
  auto offsets = torch::arange(-radius, radius + 1, torch::TensorOptions().dtype(torch::kFloat32).device(img.device()));
  auto sigma = row_sigma.clamp_min(1e-3).view({n, 1});
  auto kernel = (-(offsets * offsets).view({1, -1}) / (2 * sigma * sigma)).exp();
  kernel = (kernel / kernel.sum(1, true)).repeat_interleave(c, 0);  // (n*c) x k
  namespace F = torch::nn::functional;
  auto flat = img.reshape({1, n * c, h, w});
  flat = F::pad(flat, F::PadFuncOptions({radius, radius, radius, radius}).mode(torch::kReflect));
  flat = F::conv2d(flat, kernel.view({n * c, 1, 1, -1}), F::Conv2dFuncOptions().groups(n * c));
  flat = F::conv2d(flat, kernel.view({n * c, 1, -1, 1}), F::Conv2dFuncOptions().groups(n * c));
  return flat.view({n, c, h, w});
}

torch::Tensor Augmenter::apply_unnormalized(const torch::Tensor& images, const AugmentParams& p) const {
  if (images.dim() != 4 || images.size(1) != channels_)
    throw std::invalid_argument("augmentation expects N x " + std::to_string(channels_) + " x H x W images");
  if (images.size(0) != p.size())
    throw std::invalid_argument("augmentation got " + std::to_string(images.size(0)) + " images but parameters for " +
                                std::to_string(p.size()));
  if (uses_masked(images)) return apply_masked(images, p);
  const auto device = images.device();
  auto x = crop_and_flip(images, p.crop.to(device), p.flip.to(device), any_on_host(p.flip));
  x = color_jitter(x, p);
  if (channels_ == 3) {
    auto rows = p.grayscale.nonzero().squeeze(1);
    if (rows.numel() > 0) rows = rows.to(x.device());
    if (rows.numel() > 0) x = x.index_copy(0, rows, rgb_to_grayscale(x.index_select(0, rows)).expand({-1, 3, -1, -1}));
  }
  return gaussian_blur(x, p);
}

torch::Tensor Augmenter::apply_masked(const torch::Tensor& images, const AugmentParams& p) const {
  const auto device = images.device();
  const int64_t n = p.size();
  // Columns of the packed parameters: crop 0-3, flip 4, jitter 5, factors 6-9, order 10-13,
  // grayscale 14, blur 15, sigma 16.
  auto as_float = [](const torch::Tensor& t) { return t.to(torch::kFloat32).view({t.size(0), -1}); };
  auto packed = torch::cat({as_float(p.crop), as_float(p.flip), as_float(p.jitter), as_float(p.jitter_factors),
                            as_float(p.jitter_order), as_float(p.grayscale), as_float(p.blur), as_float(p.sigma)},
                           1);
  if (device.is_cuda()) packed = packed.pin_memory();  // pinned: the copy below does not block
  packed = packed.to(device, /*non_blocking=*/true);
  auto column = [&](int64_t i) { return packed.select(1, i).view({n, 1, 1, 1}); };

  auto x = crop_and_flip(images, packed.narrow(1, 0, 4), packed.select(1, 4) > 0.5, any_on_host(p.flip));
  const bool colour = channels_ == 3;
  auto jitter = column(5) > 0.5;
  for (int64_t position = 0; position < 4; ++position) {
    auto op_here = column(10 + position);
    for (int64_t op = 0; op < 4; ++op) {
      if (!colour && (op == kSaturation || op == kHue)) continue;  // identities on grey images
      x = torch::where(jitter & (op_here == double(op)), jitter_op(x, op, column(6 + op)), x);
    }
  }
  if (colour) x = torch::where(column(14) > 0.5, rgb_to_grayscale(x).expand({-1, 3, -1, -1}), x);
  if (any_on_host(p.blur)) x = torch::where(column(15) > 0.5, blur_rows(x, packed.select(1, 16)), x);
  return x;
}

torch::Tensor Augmenter::apply(const torch::Tensor& images, const AugmentParams& p) const {
  return normalize(apply_unnormalized(images, p));
}

torch::Tensor Augmenter::prepare(const torch::Tensor& images) const {
  auto x = images.to(torch::kFloat32).div(255.0);
  if (x.size(2) != output_height() || x.size(3) != output_width()) {
    namespace F = torch::nn::functional;
    x = F::interpolate(x, F::InterpolateFuncOptions()
                              .size(std::vector<int64_t>{output_height(), output_width()})
                              .mode(torch::kBilinear)
                              .align_corners(false));
  }
  return normalize(x);
}

torch::Tensor Augmenter::normalize(const torch::Tensor& x) const {
  if (!config_.normalize) return x;
  // Scalar arithmetic per channel: a mean/std tensor would be a host-to-device copy (and on a GPU a
  // stream synchronisation) at every call.
  if (channels_ == 1) return (x - mean_[0]) / std_[0];
  std::vector<torch::Tensor> planes;
  for (int64_t c = 0; c < channels_; ++c) planes.push_back((x.narrow(1, c, 1) - mean_[size_t(c)]) / std_[size_t(c)]);
  return torch::cat(planes, 1);
}

torch::Tensor Augmenter::denormalize(const torch::Tensor& views) const {
  if (!config_.normalize) return views;
  auto opts = torch::TensorOptions().dtype(views.scalar_type()).device(views.device());
  auto mean = torch::tensor(std::vector<float>(mean_.begin(), mean_.end()), opts).view({1, -1, 1, 1});
  auto stdev = torch::tensor(std::vector<float>(std_.begin(), std_.end()), opts).view({1, -1, 1, 1});
  return (views * stdev + mean).clamp(0, 1);
}

torch::Tensor rgb_to_grayscale(const torch::Tensor& rgb) {
  return (0.2989 * rgb.select(1, 0) + 0.587 * rgb.select(1, 1) + 0.114 * rgb.select(1, 2)).unsqueeze(1);
}

// Same formulas as torchvision's _rgb2hsv / _hsv2rgb (hue in [0, 1)).
torch::Tensor rgb_to_hsv(const torch::Tensor& rgb) {
  auto r = rgb.select(1, 0), g = rgb.select(1, 1), b = rgb.select(1, 2);
  auto maxc = torch::maximum(torch::maximum(r, g), b);
  auto minc = torch::minimum(torch::minimum(r, g), b);
  auto equal = maxc == minc;
  auto chroma = maxc - minc;
  auto ones = torch::ones_like(maxc);
  auto s = chroma / torch::where(equal, ones, maxc);
  auto divisor = torch::where(equal, ones, chroma);
  auto rc = (maxc - r) / divisor, gc = (maxc - g) / divisor, bc = (maxc - b) / divisor;
  auto is_r = maxc == r, is_g = (maxc == g) & ~is_r, is_b = ~is_r & (maxc != g);
  auto h = is_r.to(rgb.dtype()) * (bc - gc) + is_g.to(rgb.dtype()) * (2.0 + rc - bc) +
           is_b.to(rgb.dtype()) * (4.0 + gc - rc);
  h = (h / 6.0 + 1.0).fmod(1.0);
  return torch::stack({h, s, maxc}, 1);
}

torch::Tensor hsv_to_rgb(const torch::Tensor& hsv) {
  auto h = hsv.select(1, 0), s = hsv.select(1, 1), v = hsv.select(1, 2);
  auto i = (h * 6.0).floor();
  auto f = h * 6.0 - i;
  auto sector = i.to(torch::kInt64).remainder(6);
  auto p = (v * (1 - s)).clamp(0, 1), q = (v * (1 - s * f)).clamp(0, 1), t = (v * (1 - s * (1 - f))).clamp(0, 1);
  // Per sector (0..5), which of v, q, p, t each channel takes.
  auto choose = [&](const std::array<torch::Tensor, 6>& options) {
    auto out = options[5];
    for (int k = 4; k >= 0; --k) out = torch::where(sector == k, options[k], out);
    return out;
  };
  auto r = choose({v, q, p, p, t, v}), g = choose({t, v, v, q, p, p}), b = choose({p, p, t, v, v, q});
  return torch::stack({r, g, b}, 1);
}

}  // namespace moco
