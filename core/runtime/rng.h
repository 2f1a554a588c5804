// Seeded random generators. Every random draw of training comes from a generator derived from the
// run's seed and the step (or epoch) it belongs to, so a resumed run draws exactly what an
// uninterrupted one would, and any past step's augmentation can be redrawn.
#pragma once

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cstdint>

namespace moco {

// Distinct streams, so that e.g. data order and augmentation never share draws.
enum class RngStream : uint64_t { DataOrder = 1, AugmentQuery = 2, AugmentKey = 3, KeyShuffle = 4, QueueInit = 5, Synthetic = 6, Probe = 7,
                              EncoderInit = 8, BankInit = 9, BankSample = 10 };

// SplitMix64 finaliser: spreads (seed, stream, index) into well-mixed 64-bit seeds.
inline uint64_t mix_seed(uint64_t seed, RngStream stream, uint64_t index) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull ^ (static_cast<uint64_t>(stream) << 56) ^ (index + 0x632BE59BD9B4E019ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline at::Generator make_generator(uint64_t seed, RngStream stream, uint64_t index) {
  return at::detail::createCPUGenerator(mix_seed(seed, stream, index));
}

}  // namespace moco
