#include "data/binary_image_sets.h"

#include <sstream>
#include <stdexcept>
#include <vector>

#include "data/release_files.h"

namespace moco {
namespace {

constexpr int64_t kCifarSide = 32, kStlSide = 96, kChannels = 3;

std::vector<std::string> read_names(const ReleaseFiles& files, const std::string& name, size_t expected) {
  const auto bytes = files.bytes(name);
  std::istringstream in(std::string(bytes.begin(), bytes.end()));
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  if (names.size() != expected)
    throw std::runtime_error("'" + files.where(name) + "' names " + std::to_string(names.size()) + " classes, expected " +
                             std::to_string(expected));
  return names;
}

void check_label(int64_t label, int64_t classes, const std::string& where, int64_t record) {
  if (label < 0 || label >= classes)
    throw std::runtime_error("'" + where + "' record " + std::to_string(record) + " has label " + std::to_string(label) +
                             ", outside 0.." + std::to_string(classes - 1));
}

// CIFAR records: `label_bytes` label bytes (the one used is at `label_offset`), then the planes.
void append_cifar_records(const ReleaseFiles& files, const std::string& name, int64_t label_bytes, int64_t label_offset, int64_t classes,
                          std::vector<uint8_t>& pixels, std::vector<int64_t>& labels) {
  const auto bytes = files.bytes(name);
  const std::string where = files.where(name);
  const int64_t image_bytes = kChannels * kCifarSide * kCifarSide, record = label_bytes + image_bytes;
  if (bytes.empty() || int64_t(bytes.size()) % record != 0)
    throw std::runtime_error("'" + where + "' holds " + std::to_string(bytes.size()) +
                             " bytes, not a whole number of " + std::to_string(record) + "-byte CIFAR records");
  const int64_t n = int64_t(bytes.size()) / record;
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* r = bytes.data() + i * record;
    check_label(r[label_offset], classes, where, i);
    labels.push_back(r[label_offset]);
    pixels.insert(pixels.end(), r + label_bytes, r + record);  // already C x H x W
  }
}

ImageSplit cifar_split(const ReleaseFiles& files, const std::vector<std::string>& names, int64_t label_bytes,
                       int64_t label_offset, int64_t classes) {
  std::vector<uint8_t> pixels;
  std::vector<int64_t> labels;
  for (const auto& name : names) append_cifar_records(files, name, label_bytes, label_offset, classes, pixels, labels);
  ImageSplit split;
  const int64_t n = int64_t(labels.size());
  split.images = torch::from_blob(pixels.data(), {n, kChannels, kCifarSide, kCifarSide}, torch::kUInt8).clone();
  split.labels = torch::tensor(labels, torch::kInt64);
  return split;
}

ImageSplit stl_split(const ReleaseFiles& files, const std::string& images_name, const std::string& labels_name) {
  const std::string images_path = files.where(images_name), labels_path = files.where(labels_name);
  const auto bytes = files.bytes(images_name);
  const int64_t image_bytes = kChannels * kStlSide * kStlSide;
  if (bytes.empty() || int64_t(bytes.size()) % image_bytes != 0)
    throw std::runtime_error("'" + images_path + "' holds " + std::to_string(bytes.size()) +
                             " bytes, not a whole number of 96 x 96 x 3 STL-10 images (" + std::to_string(image_bytes) +
                             " bytes each)");
  const int64_t n = int64_t(bytes.size()) / image_bytes;
  const auto label_bytes = files.bytes(labels_name);
  if (int64_t(label_bytes.size()) != n)
    throw std::runtime_error("'" + labels_path + "' holds " + std::to_string(label_bytes.size()) + " labels but '" +
                             images_path + "' " + std::to_string(n) + " images");
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

ImageDataset read_cifar10(const std::string& path) {
  const std::vector<std::string> train = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                                          "data_batch_5.bin"};
  std::vector<std::string> wanted = train;
  wanted.insert(wanted.end(), {"test_batch.bin", "batches.meta.txt"});
  const ReleaseFiles files(path, downloadable_dataset("cifar10"), "test_batch.bin", wanted, "CIFAR-10");
  std::vector<std::string> present;
  for (const auto& name : train)
    if (files.has(name)) present.push_back(name);
  if (present.empty()) throw std::runtime_error("CIFAR-10 '" + files.where("") + "' holds no data_batch_N.bin");
  ImageDataset d;
  d.name = "cifar10";
  d.class_names = read_names(files, "batches.meta.txt", 10);
  d.train = cifar_split(files, present, 1, 0, 10);
  d.test = cifar_split(files, {"test_batch.bin"}, 1, 0, 10);
  return d;
}

ImageDataset read_cifar100(const std::string& path, bool coarse) {
  const std::string names_file = coarse ? "coarse_label_names.txt" : "fine_label_names.txt";
  const ReleaseFiles files(path, downloadable_dataset("cifar100"), "test.bin", {"train.bin", "test.bin", names_file},
                           "CIFAR-100");
  const int64_t classes = coarse ? 20 : 100;
  ImageDataset d;
  d.name = coarse ? "cifar100-coarse" : "cifar100";
  d.class_names = read_names(files, names_file, size_t(classes));
  const int64_t offset = coarse ? 0 : 1;  // the coarse label byte comes first
  d.train = cifar_split(files, {"train.bin"}, 2, offset, classes);
  d.test = cifar_split(files, {"test.bin"}, 2, offset, classes);
  return d;
}

ImageDataset read_stl10(const std::string& path) {
  // From an archive the 2.5 GB of unlabelled images are skipped, never held.
  const ReleaseFiles files(path, downloadable_dataset("stl10"), "test_X.bin",
                           {"train_X.bin", "train_y.bin", "test_X.bin", "test_y.bin", "class_names.txt"}, "STL-10");
  ImageDataset d;
  d.name = "stl10";
  d.class_names = read_names(files, "class_names.txt", 10);
  d.train = stl_split(files, "train_X.bin", "train_y.bin");
  d.test = stl_split(files, "test_X.bin", "test_y.bin");
  return d;
}

}  // namespace moco
