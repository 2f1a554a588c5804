// glibc malloc settings for training on the CPU. By default glibc gives the memory of a step's large
// tensors back to the kernel when they are freed and faults it in again, page by page, the next
// step: on the 2-core machine up to two thirds of a step went to the kernel (train_bench e2e, v2
// small CNN, batch 256: 630–1 800 images/s, erratic; with these settings a steady 2 190–2 680).
// See BENCHMARKS.md, "The host allocator".
#pragma once

#include <string>

namespace moco {

struct HostAllocatorSettings {
  bool applied = false;  // false: not glibc, a sanitizer's allocator, or GLIBC_TUNABLES sets malloc itself
  std::string reason;    // why not applied
};

// Applies the settings once per process (later calls return the first result): blocks up to 32 MiB
// (glibc's largest threshold) come from the heaps, and up to 256 MiB of free heap is kept for the
// next step instead of being returned, so a step's transient tensors are reused in place. The
// thresholds are process-wide, so the trainer's construction is the one place that calls it.
// Torch-free: implemented in core/runtime/host_allocator.cpp.
const HostAllocatorSettings& tune_host_allocator();

}  // namespace moco
