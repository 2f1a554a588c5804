// IDX readers (MNIST layout, raw or gzip): the bytes become one file, read as images and as labels.
#include <zlib.h>

#include <string>

#include "data/idx_reader.h"
#include "fuzz_target.h"

namespace moco::fuzz {
namespace {

std::string big_endian(uint32_t v) {
  return {char(v >> 24), char((v >> 16) & 0xff), char((v >> 8) & 0xff), char(v & 0xff)};
}

void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f || gzwrite(f, bytes.data(), unsigned(bytes.size())) != int(bytes.size()) || gzclose(f) != Z_OK)
    throw std::runtime_error("fuzz: cannot write '" + path + "'");
}

}  // namespace

void write_seeds(const std::string& dir) {
  const std::string images = big_endian(0x803) + big_endian(2) + big_endian(3) + big_endian(4) + std::string(24, '\x7f');
  const std::string labels = big_endian(0x801) + big_endian(3) + std::string("\x01\x02\x09", 3);
  write_file(dir + "/images", images);
  write_file(dir + "/labels", labels);
  write_gzip(dir + "/images.gz", images);
  write_gzip(dir + "/labels.gz", labels);
  write_file(dir + "/images-truncated", images.substr(0, images.size() - 5));
  write_file(dir + "/labels-wrong-magic", big_endian(0x803) + labels.substr(4));
}

}  // namespace moco::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moco::fuzz;
  const std::string path = scratch_dir() + "/input.idx";
  write_file(path, data, size);
  for (bool images : {true, false}) {
    try {
      const auto t = images ? moco::read_idx_images(path) : moco::read_idx_labels(path);
      if (t.numel() == 0) finding("an empty tensor was accepted");
    } catch (const std::exception& e) {
      expect_named_refusal(e, path);
    }
  }
  return 0;
}
