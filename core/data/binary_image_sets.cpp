#include "data/binary_image_sets.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace moco {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kCifarSide = 32, kStlSide = 96, kChannels = 3;

// `folder` itself when it holds `marker`, else its subfolder `release` (the archive's folder).
std::string release_folder(const std::string& folder, const std::string& release, const std::string& marker,
                           const std::string& dataset) {
  if (fs::exists(fs::path(folder) / marker)) return folder;
  if (fs::exists(fs::path(folder) / release / marker)) return (fs::path(folder) / release).string();
  throw std::runtime_error(dataset + " not found in '" + folder + "': expected " + marker + " there or in its " + release +
                           " folder (the extracted binary version)");
}

std::vector<uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open '" + path.string() + "'");
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> read_names(const fs::path& path, size_t expected) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open the class names '" + path.string() + "'");
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  if (names.size() != expected)
    throw std::runtime_error("'" + path.string() + "' names " + std::to_string(names.size()) + " classes, expected " +
                             std::to_string(expected));
  return names;
}

void check_label(int64_t label, int64_t classes, const fs::path& path, int64_t record) {
  if (label < 0 || label >= classes)
    throw std::runtime_error("'" + path.string() + "' record " + std::to_string(record) + " has label " + std::to_string(label) +
                             ", outside 0.." + std::to_string(classes - 1));
}

// CIFAR records: `label_bytes` label bytes (the one used is at `label_offset`), then the planes.
void append_cifar_records(const fs::path& path, int64_t label_bytes, int64_t label_offset, int64_t classes,
                          std::vector<uint8_t>& pixels, std::vector<int64_t>& labels) {
  const auto bytes = read_bytes(path);
  const int64_t image_bytes = kChannels * kCifarSide * kCifarSide, record = label_bytes + image_bytes;
  if (bytes.empty() || int64_t(bytes.size()) % record != 0)
    throw std::runtime_error("'" + path.string() + "' holds " + std::to_string(bytes.size()) +
                             " bytes, not a whole number of " + std::to_string(record) + "-byte CIFAR records");
  const int64_t n = int64_t(bytes.size()) / record;
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* r = bytes.data() + i * record;
    check_label(r[label_offset], classes, path, i);
    labels.push_back(r[label_offset]);
    pixels.insert(pixels.end(), r + label_bytes, r + record);  // already C x H x W
  }
}

ImageSplit cifar_split(const std::vector<fs::path>& files, int64_t label_bytes, int64_t label_offset, int64_t classes) {
  std::vector<uint8_t> pixels;
  std::vector<int64_t> labels;
  for (const auto& f : files) append_cifar_records(f, label_bytes, label_offset, classes, pixels, labels);
  ImageSplit split;
  const int64_t n = int64_t(labels.size());
  split.images = torch::from_blob(pixels.data(), {n, kChannels, kCifarSide, kCifarSide}, torch::kUInt8).clone();
  split.labels = torch::tensor(labels, torch::kInt64);
  return split;
}

ImageSplit stl_split(const fs::path& images_path, const fs::path& labels_path) {
  const auto bytes = read_bytes(images_path);
  const int64_t image_bytes = kChannels * kStlSide * kStlSide;
  if (bytes.empty() || int64_t(bytes.size()) % image_bytes != 0)
    throw std::runtime_error("'" + images_path.string() + "' holds " + std::to_string(bytes.size()) +
                             " bytes, not a whole number of 96 x 96 x 3 STL-10 images (" + std::to_string(image_bytes) +
                             " bytes each)");
  const int64_t n = int64_t(bytes.size()) / image_bytes;
  const auto label_bytes = read_bytes(labels_path);
  if (int64_t(label_bytes.size()) != n)
    throw std::runtime_error("'" + labels_path.string() + "' holds " + std::to_string(label_bytes.size()) + " labels but '" +
                             images_path.string() + "' " + std::to_string(n) + " images");
  std::vector<int64_t> labels(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    check_label(int64_t(label_bytes[size_t(i)]) - 1, 10, labels_path, i);  // stored 1..10
    labels[size_t(i)] = int64_t(label_bytes[size_t(i)]) - 1;
  }
  ImageSplit split;
  // Stored column-major per channel (MATLAB order): N x C x W x H, so swap the last two axes.
  auto stored = torch::from_blob(const_cast<uint8_t*>(bytes.data()), {n, kChannels, kStlSide, kStlSide}, torch::kUInt8);
  split.images = stored.transpose(2, 3).contiguous();
  split.labels = torch::tensor(labels, torch::kInt64);
  return split;
}

}  // namespace

ImageDataset read_cifar10(const std::string& folder) {
  const fs::path root = release_folder(folder, "cifar-10-batches-bin", "test_batch.bin", "CIFAR-10");
  std::vector<fs::path> train;
  for (int i = 1; i <= 5; ++i)
    if (fs::exists(root / ("data_batch_" + std::to_string(i) + ".bin"))) train.push_back(root / ("data_batch_" + std::to_string(i) + ".bin"));
  if (train.empty()) throw std::runtime_error("CIFAR-10 folder '" + root.string() + "' holds no data_batch_N.bin");
  ImageDataset d;
  d.name = "cifar10";
  d.class_names = read_names(root / "batches.meta.txt", 10);
  d.train = cifar_split(train, 1, 0, 10);
  d.test = cifar_split({root / "test_batch.bin"}, 1, 0, 10);
  return d;
}

ImageDataset read_cifar100(const std::string& folder, bool coarse) {
  const fs::path root = release_folder(folder, "cifar-100-binary", "test.bin", "CIFAR-100");
  const int64_t classes = coarse ? 20 : 100;
  ImageDataset d;
  d.name = coarse ? "cifar100-coarse" : "cifar100";
  d.class_names = read_names(root / (coarse ? "coarse_label_names.txt" : "fine_label_names.txt"), size_t(classes));
  const int64_t offset = coarse ? 0 : 1;  // the coarse label byte comes first
  d.train = cifar_split({root / "train.bin"}, 2, offset, classes);
  d.test = cifar_split({root / "test.bin"}, 2, offset, classes);
  return d;
}

ImageDataset read_stl10(const std::string& folder) {
  const fs::path root = release_folder(folder, "stl10_binary", "test_X.bin", "STL-10");
  ImageDataset d;
  d.name = "stl10";
  d.class_names = read_names(root / "class_names.txt", 10);
  d.train = stl_split(root / "train_X.bin", root / "train_y.bin");
  d.test = stl_split(root / "test_X.bin", root / "test_y.bin");
  return d;
}

}  // namespace moco
