#include "data/dataset.h"

#include <filesystem>
#include <stdexcept>

#include "api/analysis.h"
#include "api/datasets.h"
#include "api/downloads.h"
#include "data/binary_image_sets.h"
#include "data/idx_reader.h"
#include "data/image_folder.h"
#include "data/stl10_unlabeled.h"
#include "data/synthetic_data.h"

namespace moco {
namespace {

const std::vector<std::string> kFashionClasses = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                  "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

ImageSplit read_idx_split(const std::string& folder, const std::string& prefix) {
  ImageSplit split;
  const std::string images_path = find_idx_file(folder, prefix + "-images-idx3-ubyte");
  const std::string labels_path = find_idx_file(folder, prefix + "-labels-idx1-ubyte");
  split.images = read_idx_images(images_path);
  split.labels = read_idx_labels(labels_path);
  if (split.images.size(0) != split.labels.size(0))
    throw std::runtime_error("'" + images_path + "' holds " + std::to_string(split.images.size(0)) + " images but '" +
                             labels_path + "' holds " + std::to_string(split.labels.size(0)) + " labels");
  return split;
}

std::string mnist_folder(const DataConfig& data) {
  if (!data.path.empty()) return data.path;
  const std::string data_dir = default_data_dir(), found = find_mnist(data_dir);
  if (found.empty())
    throw std::runtime_error("MNIST not found in the data folder '" + data_dir +
                             "': put train-images-idx3-ubyte[.gz] and the other three IDX files in its MNIST/raw "
                             "(torchvision's layout) or mnist/ folder, or name their folder in data.path");
  return found;
}

ImageDataset load_idx_folder(const std::string& name, const std::string& folder) {
  ImageDataset d;
  d.name = name;
  d.train = read_idx_split(folder, "train");
  d.test = read_idx_split(folder, "t10k");
  if (d.train.images.sizes().slice(1) != d.test.images.sizes().slice(1))
    throw std::runtime_error("IDX folder '" + folder + "': train and test images differ in size");
  const int64_t classes = std::max(d.train.labels.max().item<int64_t>(), d.test.labels.max().item<int64_t>()) + 1;
  if (name == "fashion-mnist" && classes <= 10) {
    d.class_names = kFashionClasses;
  } else {
    for (int64_t c = 0; c < classes; ++c) d.class_names.push_back(std::to_string(c));
  }
  return d;
}

// Area interpolation: each output pixel averages the input pixels it covers (no aliasing when
// shrinking 96 px STL-10 images to 32), in chunks to bound the float copy's memory.
void resize(ImageSplit& split, int64_t side) {
  if (split.size() == 0 || (split.images.size(2) == side && split.images.size(3) == side)) return;
  namespace F = torch::nn::functional;
  constexpr int64_t kChunk = 1024;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < split.size(); start += kChunk) {
    auto x = split.images.slice(0, start, std::min(start + kChunk, split.size())).to(torch::kFloat32);
    auto y = F::interpolate(x, F::InterpolateFuncOptions().size(std::vector<int64_t>{side, side}).mode(torch::kArea));
    parts.push_back(y.round().clamp(0, 255).to(torch::kUInt8));
  }
  split.images = torch::cat(parts);
}

void limit(ImageSplit& split, int64_t n) {
  if (n <= 0 || n >= split.size()) return;
  split.images = split.images.slice(0, 0, n).contiguous();
  if (split.has_labels()) split.labels = split.labels.slice(0, 0, n).contiguous();
}

}  // namespace

ImageDataset load_dataset(const DataConfig& data, const LoadProgress& progress) {
  ImageDataset d;
  switch (data.dataset) {
    case DatasetName::Synthetic:
      d = make_synthetic_dataset(data.synthetic_per_class, data.synthetic_size, 0);
      break;
    case DatasetName::FashionMnist: {
      const std::string folder = data.path.empty() ? kFashionMnistDir : data.path;
      if (!std::filesystem::is_directory(folder))
        throw std::runtime_error("Fashion-MNIST not found at '" + folder +
                                 "': install Debian's dataset-fashion-mnist or choose the synthetic dataset");
      d = load_idx_folder("fashion-mnist", folder);
      break;
    }
    case DatasetName::Mnist: {
      d = load_idx_folder("mnist", mnist_folder(data));
      break;
    }
    case DatasetName::Idx:
      if (!std::filesystem::is_directory(data.path))
        throw std::runtime_error("IDX dataset folder '" + data.path + "' does not exist");
      d = load_idx_folder(std::filesystem::path(data.path).filename().string(), data.path);
      break;
    case DatasetName::Cifar10: d = read_cifar10(data.path); break;
    case DatasetName::Cifar100: d = read_cifar100(data.path, data.cifar100_coarse); break;
    case DatasetName::Stl10:
      d = read_stl10(data.path);
      if (data.stl10_unlabeled) {
        d.bank = std::move(d.train);
        d.train = read_stl10_unlabeled(data.path, data.train_limit);
        d.name = "stl10-unlabeled";
      }
      break;
    case DatasetName::Folder:  // limited and sized while decoding, so only what is kept is decoded
      return load_image_folder(data.path, data.image_size, data.train_limit, data.test_limit, progress);
  }
  limit(d.train, data.train_limit);
  limit(d.test, data.test_limit);
  if (data.image_size > 0) {
    resize(d.train, data.image_size);
    resize(d.test, data.image_size);
    resize(d.bank, data.image_size);
  }
  return d;
}

std::string labels_unavailable(const ImageDataset& d) {
  if (!d.knn_bank().has_labels() || d.class_names.empty())
    return "the images of '" + d.name + "' have no labels (an image folder without class subfolders): kNN, the linear "
           "probe and class colours need labelled images";
  if (!d.test.has_labels()) return "'" + d.name + "' has no labelled test images: kNN and the linear probe need some";
  return "";
}

const ImageSplit& split_of(const ImageDataset& d, Split which) {
  switch (which) {
    case Split::Train: return d.train;
    case Split::Test: return d.test;
    case Split::Bank: return d.knn_bank();
  }
  throw std::invalid_argument("unknown split");
}

std::pair<std::vector<double>, std::vector<double>> channel_stats(const torch::Tensor& images) {
  // Sums over chunks: a float64 copy of 100 000 STL-10 images at once would take 22 GB.
  constexpr int64_t kChunk = 1024;
  const int64_t channels = images.size(1);
  auto sum = torch::zeros({channels}, torch::kFloat64), squares = torch::zeros({channels}, torch::kFloat64);
  for (int64_t start = 0; start < images.size(0); start += kChunk) {
    auto x = images.slice(0, start, std::min(start + kChunk, images.size(0))).to(torch::kFloat64).div(255.0);
    x = x.transpose(0, 1).reshape({channels, -1});
    sum += x.sum(1);
    squares += x.pow(2).sum(1);
  }
  const double n = double(images.numel() / channels);
  auto mean = sum / n;
  // Unbiased, as torch::std's default; clamped as a constant image's std would be 0.
  auto stdev = ((squares - n * mean.pow(2)) / std::max(n - 1, 1.0)).clamp_min(0).sqrt().clamp_min(1e-6);
  std::vector<double> m(mean.data_ptr<double>(), mean.data_ptr<double>() + channels);
  std::vector<double> s(stdev.data_ptr<double>(), stdev.data_ptr<double>() + channels);
  return {m, s};
}

std::string find_mnist(const std::string& data_dir) {
  for (const char* sub : {"MNIST/raw", "mnist", "MNIST"}) {
    const auto folder = std::filesystem::path(data_dir) / sub;
    for (const char* file : {"train-images-idx3-ubyte", "train-images-idx3-ubyte.gz"})
      if (std::filesystem::exists(folder / file)) return folder.string();
  }
  return {};
}

}  // namespace moco
