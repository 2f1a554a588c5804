#include "data/stl10_unlabeled.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "data/ram_budget.h"

namespace moco {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kSide = 96, kImageBytes = 3 * kSide * kSide;
// Images read per chunk (27 MB): large reads, small extra memory.
constexpr int64_t kChunk = 1000;

fs::path unlabeled_file(const std::string& folder) {
  for (const fs::path candidate : {fs::path(folder) / "unlabeled_X.bin", fs::path(folder) / "stl10_binary" / "unlabeled_X.bin"})
    if (fs::exists(candidate)) return candidate;
  throw std::runtime_error("STL-10's unlabelled images not found in '" + folder +
                           "': expected unlabeled_X.bin there or in its stl10_binary folder");
}

}  // namespace

ImageSplit read_stl10_unlabeled(const std::string& folder, int64_t limit) {
  const fs::path path = unlabeled_file(folder);
  const auto bytes = int64_t(fs::file_size(path));
  if (bytes == 0 || bytes % kImageBytes != 0)
    throw std::runtime_error("'" + path.string() + "' holds " + std::to_string(bytes) +
                             " bytes, not a whole number of 96 x 96 x 3 STL-10 images (" + std::to_string(kImageBytes) +
                             " bytes each)");
  const int64_t n = limit > 0 ? std::min(limit, bytes / kImageBytes) : bytes / kImageBytes;
  check_ram_budget("STL-10's unlabelled images '" + path.string() + "'", n, kSide);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open '" + path.string() + "'");
  ImageSplit split;
  split.images = torch::empty({n, 3, kSide, kSide}, torch::kUInt8);
  auto chunk = torch::empty({kChunk, 3, kSide, kSide}, torch::kUInt8);
  for (int64_t start = 0; start < n; start += kChunk) {
    const int64_t count = std::min(kChunk, n - start);
    if (!in.read(reinterpret_cast<char*>(chunk.data_ptr<uint8_t>()), std::streamsize(count * kImageBytes)))
      throw std::runtime_error("'" + path.string() + "' ended early at image " + std::to_string(start));
    // Stored column-major per channel (MATLAB order): N x C x W x H, so swap the last two axes.
    split.images.slice(0, start, start + count).copy_(chunk.slice(0, 0, count).transpose(2, 3));
  }
  return split;
}

}  // namespace moco
