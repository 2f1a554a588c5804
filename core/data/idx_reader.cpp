#include "data/idx_reader.h"

#include <zlib.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

namespace moco {
namespace {

constexpr uint32_t kImagesMagic = 0x00000803;  // unsigned byte data, 3 dimensions
constexpr uint32_t kLabelsMagic = 0x00000801;  // unsigned byte data, 1 dimension
// No IDX image set we read comes near this; a larger count means a corrupt header.
constexpr uint64_t kMaxBytes = uint64_t(8) << 30;

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

// Opens raw or gzip files alike (zlib passes raw files through).
class IdxFile {
 public:
  explicit IdxFile(const std::string& path) : path_(path), file_(gzopen(path.c_str(), "rb")) {
    if (!file_) throw std::runtime_error("cannot open IDX file '" + path + "'");
  }
  // Reads exactly `bytes` bytes into `buffer`; `before` bytes of the same item were read already
  // (they count in the truncation message).
  void read(void* buffer, uint64_t bytes, const char* what, uint64_t before = 0) {
    auto* out = static_cast<char*>(buffer);
    uint64_t done = 0;
    while (done < bytes) {
      const unsigned chunk = static_cast<unsigned>(std::min<uint64_t>(bytes - done, 1u << 30));
      const int got = gzread(file_.get(), out + done, chunk);
      if (got < 0) {
        int code = 0;
        const char* message = gzerror(file_.get(), &code);
        throw std::runtime_error("IDX file '" + path_ + "': corrupt data while reading " + what + " (" + message + ")");
      }
      if (got == 0)
        throw std::runtime_error("IDX file '" + path_ + "' is truncated: expected " + std::to_string(before + bytes) +
                                 " bytes of " + what + ", got " + std::to_string(before + done));
      done += static_cast<uint64_t>(got);
    }
  }
  // The `bytes` bytes the header declares, read in chunks into a buffer that grows as they arrive:
  // a header declaring gigabytes in a file of a few bytes costs only the bytes really there, not an
  // allocation of what it claims (found by tests/fuzz).
  std::vector<uint8_t> read_declared(uint64_t bytes, const char* what) {
    constexpr uint64_t kChunk = uint64_t(16) << 20;
    std::vector<uint8_t> out;
    while (out.size() < bytes) {
      const uint64_t start = out.size();
      out.resize(start + std::min(kChunk, bytes - start));
      read(out.data() + start, out.size() - start, what, start);
    }
    return out;
  }
  uint32_t read_u32(const char* what) {
    std::array<unsigned char, 4> b{};
    read(b.data(), 4, what);
    return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | uint32_t(b[3]);
  }
  void expect_end() {
    char extra = 0;
    if (gzread(file_.get(), &extra, 1) > 0)
      throw std::runtime_error("IDX file '" + path_ + "' has data beyond what its header declares");
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::unique_ptr<gzFile_s, GzCloser> file_;
};

void expect_magic(IdxFile& f, uint32_t expected, const char* kind) {
  const uint32_t magic = f.read_u32("the magic number");
  if (magic != expected) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "wrong magic number 0x%08x (an IDX %s file starts with 0x%08x)", magic, kind, expected);
    throw std::runtime_error("IDX file '" + f.path() + "': " + buf);
  }
}

}  // namespace

torch::Tensor read_idx_images(const std::string& path) {
  IdxFile f(path);
  expect_magic(f, kImagesMagic, "image");
  const uint64_t n = f.read_u32("the image count");
  const uint64_t rows = f.read_u32("the row count");
  const uint64_t cols = f.read_u32("the column count");
  // rows x cols fits 64 bits (each < 2^32); the count is compared by division so that three
  // sides never multiply past 64 bits.
  if (n == 0 || rows == 0 || cols == 0 || n > kMaxBytes / (rows * cols))
    throw std::runtime_error("IDX file '" + path + "': implausible dimensions " + std::to_string(n) + " x " +
                             std::to_string(rows) + " x " + std::to_string(cols));
  auto pixels = f.read_declared(n * rows * cols, "pixels");
  f.expect_end();
  return torch::from_blob(pixels.data(), {int64_t(n), 1, int64_t(rows), int64_t(cols)}, torch::kUInt8).clone();
}

torch::Tensor read_idx_labels(const std::string& path) {
  IdxFile f(path);
  expect_magic(f, kLabelsMagic, "label");
  const uint64_t n = f.read_u32("the label count");
  if (n == 0 || n > kMaxBytes) throw std::runtime_error("IDX file '" + path + "': implausible label count " + std::to_string(n));
  auto raw = f.read_declared(n, "labels");
  f.expect_end();
  return torch::from_blob(raw.data(), {int64_t(n)}, torch::kUInt8).to(torch::kInt64);
}

std::string find_idx_file(const std::string& folder, const std::string& stem) {
  namespace fs = std::filesystem;
  const fs::path raw = fs::path(folder) / stem;
  const fs::path gz = fs::path(folder) / (stem + ".gz");
  if (fs::exists(raw)) return raw.string();
  if (fs::exists(gz)) return gz.string();
  throw std::runtime_error("dataset file not found: neither '" + raw.string() + "' nor '" + gz.string() + "' exists");
}

}  // namespace moco
