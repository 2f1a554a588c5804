// Batched image augmentation as tensor ops on the training device (so it scales on a GPU):
// RandomResizedCrop + horizontal flip (one affine resample), ColorJitter in random order with hue
// through an HSV round trip, RandomGrayscale, GaussianBlur, normalisation. Parameters are drawn on
// the CPU from a seeded generator and returned per sample, so a view can be redrawn exactly and the
// GUI can draw the crop boxes.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "api/config.h"

namespace moco {

// Order of the jitter operations inside AugmentParams::jitter_factors / jitter_order.
enum JitterOp : int64_t { kBrightness = 0, kContrast = 1, kSaturation = 2, kHue = 3 };

struct AugmentParams {
  torch::Tensor crop;            // float N x 4: x, y, width, height of the crop in source pixels
  torch::Tensor flip;            // bool N
  torch::Tensor jitter;          // bool N: colour jitter applied
  torch::Tensor jitter_factors;  // float N x 4: brightness, contrast, saturation factors, hue shift
  torch::Tensor jitter_order;    // int64 N x 4: the order the four operations ran in
  torch::Tensor grayscale;       // bool N
  torch::Tensor blur;            // bool N
  torch::Tensor sigma;           // float N: blur sigma in output pixels (0 where no blur)

  int64_t size() const { return crop.defined() ? crop.size(0) : 0; }
};

class Augmenter {
 public:
  // `mean`/`std` per channel of the [0, 1]-scaled data, used when config.normalize.
  Augmenter(const TransformConfig& config, int64_t channels, int64_t height, int64_t width, std::vector<double> mean,
            std::vector<double> std);

  // Draws the parameters of n views.
  AugmentParams sample(int64_t n, at::Generator& generator) const;
  // Applies them to uint8 N x C x H x W images (on any device): float N x C x S x S.
  torch::Tensor apply(const torch::Tensor& images, const AugmentParams& params) const;
  // Same as apply but stops before normalisation: values in [0, 1], for display.
  torch::Tensor apply_unnormalized(const torch::Tensor& images, const AugmentParams& params) const;

  const TransformConfig& config() const { return config_; }
  void set_config(const TransformConfig& config) { config_ = config; }
  int64_t output_height() const { return config_.output_size > 0 ? config_.output_size : height_; }
  int64_t output_width() const { return config_.output_size > 0 ? config_.output_size : width_; }
  // The evaluation transform: scale to [0, 1], resize to the output size, normalise.
  torch::Tensor prepare(const torch::Tensor& images) const;
  // Undoes normalisation (for showing a view).
  torch::Tensor denormalize(const torch::Tensor& views) const;
  // Which implementation runs. Gathered (the CPU's): each operation on the sub-batch of rows that
  // draw it. Masked (a GPU's, or forced): the parameters go to the device in one packed,
  // non-blocking copy and each operation runs on the whole batch, kept where the row drew it —
  // no device synchronisation and a fixed, small number of kernel launches. Same results.
  void force_masked(bool on) { force_masked_ = on; }
  bool uses_masked(const torch::Tensor& images) const { return force_masked_ || images.is_cuda(); }

 private:
  torch::Tensor normalize(const torch::Tensor& x) const;
  // box: float N x 4 and flip: bool N, on the images' device; any_flip from the CPU parameters.
  torch::Tensor crop_and_flip(const torch::Tensor& images, const torch::Tensor& box, const torch::Tensor& flip,
                              bool any_flip) const;
  torch::Tensor color_jitter(torch::Tensor x, const AugmentParams& p) const;
  torch::Tensor gaussian_blur(torch::Tensor x, const AugmentParams& p) const;
  torch::Tensor apply_masked(const torch::Tensor& images, const AugmentParams& p) const;
  // One jitter operation on the whole batch (factor: N x 1 x 1 x 1).
  torch::Tensor jitter_op(const torch::Tensor& x, int64_t op, const torch::Tensor& factor) const;
  // Separable Gaussian blur of every row of x with its own sigma (N, on x's device).
  torch::Tensor blur_rows(const torch::Tensor& x, const torch::Tensor& sigma) const;

  TransformConfig config_;
  int64_t channels_, height_, width_;
  std::vector<double> mean_, std_;
  bool force_masked_ = false;
};

// Colour helpers on float images in [0, 1] (N x 3 x H x W), exposed for tests.
torch::Tensor rgb_to_grayscale(const torch::Tensor& rgb);  // N x 1 x H x W, ITU-R 601 weights as torchvision rounds them (0.2989, 0.587, 0.114)
torch::Tensor rgb_to_hsv(const torch::Tensor& rgb);
torch::Tensor hsv_to_rgb(const torch::Tensor& hsv);

}  // namespace moco
