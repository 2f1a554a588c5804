// A 64-bit hash fixed by its definition (FNV-1a's constants over 8-byte words), the same on every
// machine and run: it picks the hold-out images and keys and checks the decode cache.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

namespace moco {

inline constexpr uint64_t kHashSeed = 1469598103934665603ull;

// Continues `h` over `n` bytes at `data`, a word at a time (fast enough for gigabytes of pixels).
inline uint64_t hash_bytes(const void* data, size_t n, uint64_t h = kHashSeed) {
  constexpr uint64_t kPrime = 1099511628211ull;
  const auto* p = static_cast<const unsigned char*>(data);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * kPrime;
    h ^= h >> 29;  // mix the high bits down, or words differing only there would collide
  }
  for (; i < n; ++i) h = (h ^ p[i]) * kPrime;
  return h;
}

inline uint64_t hash_text(const std::string& text, uint64_t h = kHashSeed) { return hash_bytes(text.data(), text.size(), h); }

}  // namespace moco
