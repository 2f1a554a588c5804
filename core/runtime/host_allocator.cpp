#include "api/host_allocator.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace moco {
namespace {

constexpr std::size_t kMiB = std::size_t(1) << 20;
// glibc refuses an mmap threshold above half its per-thread heap size (32 MiB on 64-bit).
constexpr std::size_t kMmapThreshold = 32 * kMiB;
// Above the largest transient set of one step of the default runs (~160 MiB of activations), so a
// step does not hand its memory back for the next one to fault in again; a bound, not a cache of
// everything: what is free beyond it still goes back to the kernel.
constexpr std::size_t kTrimThreshold = 256 * kMiB;

bool sanitizer_build() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return true;  // their allocators replace malloc; mallopt would do nothing
#else
  return false;
#endif
}

HostAllocatorSettings apply() {
  HostAllocatorSettings s;
#if defined(__GLIBC__)
  if (sanitizer_build()) {
    s.reason = "a sanitizer's allocator replaces malloc";
    return s;
  }
  // Whoever sets malloc's tunables themselves (to measure, or for another workload) keeps them.
  if (const char* tunables = std::getenv("GLIBC_TUNABLES"); tunables && std::strstr(tunables, "glibc.malloc.")) {
    s.reason = "GLIBC_TUNABLES sets malloc";
    return s;
  }
  // Setting either threshold turns off glibc's dynamic one; both are set, or the mmap threshold
  // would stay at 128 KiB and every large tensor would be mapped afresh (3x slower still).
  // glibc's number of arenas is kept: fewer (M_ARENA_MAX 2) measured both ways in the window
  // (BENCHMARKS.md, "The host allocator").
  if (mallopt(M_MMAP_THRESHOLD, int(kMmapThreshold)) != 1 || mallopt(M_TRIM_THRESHOLD, int(kTrimThreshold)) != 1) {
    s.reason = "mallopt refused a setting";
    return s;
  }
  s.applied = true;
#else
  s.reason = "not glibc";
#endif
  return s;
}

}  // namespace

const HostAllocatorSettings& tune_host_allocator() {
  static const HostAllocatorSettings settings = apply();  // thread-safe once
  return settings;
}

}  // namespace moco
