// The size an image file declares, read from its header before any decoding: a 60 000 x 60 000
// PNG of a few bytes would otherwise make the decoder allocate gigabytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace moco {

struct DeclaredSize {
  int64_t width = 0, height = 0;
};

// Pixels an image may declare (100 megapixels, 300 MB decoded): more than any photo a contrastive
// model is trained on, and little enough that every core may decode one at once.
inline constexpr int64_t kMaxDeclaredPixels = 100'000'000;

// Width and height from a PNG's IHDR chunk or a JPEG's SOFn segment; nullopt for other formats or
// a header that cannot be parsed (the decoder then reports the problem).
std::optional<DeclaredSize> declared_size(const std::string& path);

// Empty when the file may be decoded, else why not (naming the declared size).
std::string oversized_reason(const std::string& path);

}  // namespace moco
