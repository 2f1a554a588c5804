// CIFAR-10, CIFAR-100 and STL-10 read straight from their .tar.gz (libarchive, then our record
// parsers). The first byte picks the release, the rest is the archive.
#include <fstream>
#include <iterator>
#include <string>

#include "../binary_releases.h"
#include "../tar_gz_writer.h"
#include "data/binary_image_sets.h"
#include "fuzz_target.h"

namespace moco::fuzz {
namespace {

const char* const kArchiveNames[] = {"cifar-10-binary.tar.gz", "cifar-100-binary.tar.gz", "stl10_binary.tar.gz"};

std::vector<std::pair<std::string, std::string>> tiny_cifar100_files() {
  const std::string folder = "cifar-100-binary/";
  return {{folder + "coarse_label_names.txt", test::class_lines(20)},
          {folder + "fine_label_names.txt", test::class_lines(100)},
          {folder + "train.bin", test::cifar_record(3, 10, 2, 42) + test::cifar_record(19, 20, 2, 99)},
          {folder + "test.bin", test::cifar_record(0, 30, 2, 7)}};
}

std::vector<std::pair<std::string, std::string>> tiny_stl10_files() {
  const std::string folder = "stl10_binary/";
  const std::string image(96 * 96 * 3, '\x40');
  return {{folder + "class_names.txt", test::class_lines(10)},
          {folder + "train_X.bin", image + image},
          {folder + "train_y.bin", std::string("\x01\x0a", 2)},
          {folder + "test_X.bin", image},
          {folder + "test_y.bin", std::string("\x05", 1)}};
}

// The seed is the release byte followed by the archive's bytes.
void write_seed(const std::string& dir, char release, const std::vector<std::pair<std::string, std::string>>& files) {
  const std::string archive = dir + "/" + kArchiveNames[int(release)];
  test::write_tar_gz(archive, files);
  std::ifstream in(archive, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_file(archive, std::string(1, release) + bytes);
}

}  // namespace

void write_seeds(const std::string& dir) {
  write_seed(dir, 0, test::tiny_cifar10_files());
  write_seed(dir, 1, tiny_cifar100_files());
  write_seed(dir, 2, tiny_stl10_files());
}

}  // namespace moco::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moco::fuzz;
  if (size == 0) return 0;
  const int release = data[0] % 3;
  const std::string path = scratch_dir() + "/" + kArchiveNames[release];
  write_file(path, data + 1, size - 1);
  try {
    const auto d = release == 0 ? moco::read_cifar10(path) : release == 1 ? moco::read_cifar100(path, false) : moco::read_stl10(path);
    if (d.train.size() == 0 || d.class_names.empty()) finding("a release without images or classes was accepted");
  } catch (const std::exception& e) {
    expect_named_refusal(e, path);
  }
  return 0;
}
