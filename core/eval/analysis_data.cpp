// Dataset access and augmentation previews for the torch-free analysis API.
#include <stdexcept>

#include "api/analysis.h"
#include "augment/augment.h"
#include "data/dataset.h"
#include "runtime/rng.h"

namespace moco {
namespace {

ImageU8 to_image(const torch::Tensor& chw) { return to_image_u8(chw); }

ViewParams view_params(const AugmentParams& p, int64_t i) {
  ViewParams v;
  auto crop = p.crop[i];
  v.crop_x = crop[0].item<double>();
  v.crop_y = crop[1].item<double>();
  v.crop_width = crop[2].item<double>();
  v.crop_height = crop[3].item<double>();
  v.flip = p.flip[i].item<bool>();
  v.jitter = p.jitter[i].item<bool>();
  auto f = p.jitter_factors[i];
  v.brightness = f[0].item<double>();
  v.contrast = f[1].item<double>();
  v.saturation = f[2].item<double>();
  v.hue = f[3].item<double>();
  for (int k = 0; k < 4; ++k) v.jitter_order.push_back(int(p.jitter_order[i][k].item<int64_t>()));
  v.grayscale = p.grayscale[i].item<bool>();
  v.blur = p.blur[i].item<bool>();
  v.sigma = p.sigma[i].item<double>();
  return v;
}

}  // namespace

ImageU8 to_image_u8(const torch::Tensor& chw) {
  auto hwc = chw.permute({1, 2, 0}).contiguous().cpu();
  ImageU8 img;
  img.height = hwc.size(0);
  img.width = hwc.size(1);
  img.channels = hwc.size(2);
  img.pixels.assign(hwc.data_ptr<uint8_t>(), hwc.data_ptr<uint8_t>() + hwc.numel());
  return img;
}

std::shared_ptr<const ImageDataset> load_dataset_shared(const DataConfig& data, const LoadProgress& progress) {
  return std::make_shared<const ImageDataset>(load_dataset(data, progress));
}

DatasetInfo dataset_info(const ImageDataset& d) {
  DatasetInfo info;
  info.name = d.name;
  info.train_size = d.train.size();
  info.test_size = d.test.size();
  info.channels = d.channels();
  info.height = d.height();
  info.width = d.width();
  info.class_names = d.class_names;
  info.warnings = d.warnings;
  info.labels_unavailable = labels_unavailable(d);
  return info;
}

ImageU8 dataset_image(const ImageDataset& d, Split split, int64_t index) {
  const auto& s = split_of(d, split);
  if (index < 0 || index >= s.size())
    throw std::out_of_range("image index " + std::to_string(index) + " is outside the split's " + std::to_string(s.size()) + " images");
  return to_image(s.images[index]);
}

int64_t dataset_label(const ImageDataset& d, Split split, int64_t index) {
  const auto& s = split_of(d, split);
  if (!s.has_labels() || index < 0 || index >= s.size()) return -1;
  return s.labels[index].item<int64_t>();
}

bool cuda_available() { return torch::cuda::is_available(); }

std::vector<PairPreview> preview_pairs(const ImageDataset& d, const TransformConfig& augment,
                                       const std::vector<int64_t>& train_indices, uint64_t seed) {
  if (train_indices.empty()) return {};
  for (auto i : train_indices)
    if (i < 0 || i >= d.train.size()) throw std::out_of_range("preview index " + std::to_string(i) + " is outside the training set");
  auto [mean, stdev] = channel_stats(d.train.images.slice(0, 0, std::min<int64_t>(d.train.size(), 10000)));
  Augmenter augmenter(augment, d.channels(), d.height(), d.width(), mean, stdev);
  const int64_t n = int64_t(train_indices.size());
  auto index = torch::tensor(train_indices, torch::kInt64);
  auto images = d.train.images.index_select(0, index);
  auto gen_q = make_generator(seed, RngStream::AugmentQuery, 0), gen_k = make_generator(seed, RngStream::AugmentKey, 0);
  const auto pq = augmenter.sample(n, gen_q), pk = augmenter.sample(n, gen_k);
  auto to_u8 = [](const torch::Tensor& x) { return (x * 255).round().clamp(0, 255).to(torch::kUInt8); };
  auto vq = to_u8(augmenter.apply_unnormalized(images, pq)), vk = to_u8(augmenter.apply_unnormalized(images, pk));
  std::vector<PairPreview> out(train_indices.size());
  for (int64_t i = 0; i < n; ++i) {
    auto& p = out[i];
    p.index = train_indices[i];
    p.label = dataset_label(d, Split::Train, p.index);
    p.source = to_image(images[i]);
    p.query_view = to_image(vq[i]);
    p.key_view = to_image(vk[i]);
    p.query = view_params(pq, i);
    p.key = view_params(pk, i);
  }
  return out;
}

}  // namespace moco
