#include "data/image_header.h"

#include <array>
#include <fstream>

namespace moco {
namespace {

// Stop looking for a JPEG's frame header after this many segments (EXIF, ICC … come first).
constexpr int kMaxJpegSegments = 512;

int64_t big_endian(const unsigned char* p, int bytes) {
  int64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

std::optional<DeclaredSize> png_size(std::ifstream& in) {
  std::array<unsigned char, 24> h{};  // signature, IHDR length and type, width, height
  if (!in.read(reinterpret_cast<char*>(h.data()), h.size())) return std::nullopt;
  static const unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (!std::equal(kSignature, kSignature + 8, h.begin()) || std::string(h.begin() + 12, h.begin() + 16) != "IHDR")
    return std::nullopt;
  return DeclaredSize{big_endian(&h[16], 4), big_endian(&h[20], 4)};
}

std::optional<DeclaredSize> jpeg_size(std::ifstream& in) {
  in.seekg(2);  // past SOI
  for (int segment = 0; segment < kMaxJpegSegments; ++segment) {
    int c = in.get();
    if (c != 0xff) return std::nullopt;
    while (c == 0xff) c = in.get();  // fill bytes
    if (c == EOF) return std::nullopt;
    const int marker = c;
    if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd9)) continue;  // no length
    unsigned char len[2];
    if (!in.read(reinterpret_cast<char*>(len), 2)) return std::nullopt;
    const int64_t length = big_endian(len, 2);
    if (length < 2) return std::nullopt;
    const bool frame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    if (frame) {
      unsigned char f[5];  // precision, height, width
      if (length < 7 || !in.read(reinterpret_cast<char*>(f), 5)) return std::nullopt;
      return DeclaredSize{big_endian(&f[3], 2), big_endian(&f[1], 2)};
    }
    in.seekg(length - 2, std::ios::cur);
  }
  return std::nullopt;
}

}  // namespace

std::optional<DeclaredSize> declared_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[2];
  if (!in.read(reinterpret_cast<char*>(magic), 2)) return std::nullopt;
  in.seekg(0);
  if (magic[0] == 0x89 && magic[1] == 'P') return png_size(in);
  if (magic[0] == 0xff && magic[1] == 0xd8) return jpeg_size(in);
  return std::nullopt;
}

std::string oversized_reason(const std::string& path) {
  const auto size = declared_size(path);
  // Divided, not multiplied: two 32-bit PNG sides multiply past int64 (found by tests/fuzz).
  if (!size || size->width <= 0 || size->height <= kMaxDeclaredPixels / size->width) return "";
  return "declares " + std::to_string(size->width) + " x " + std::to_string(size->height) + " pixels, over the " +
         std::to_string(kMaxDeclaredPixels / 1'000'000) + " megapixels decoded";
}

}  // namespace moco
