// Counts, on the calling thread, the operations that make the host wait for a GPU: item() (ATen's
// _local_scalar_dense, on any device, so the count is measurable on the CPU too), blocking copies
// between the host and the GPU, and nonzero / masked_select on the GPU (their output size must come
// back first). The benchmarks report it per training step; the tests check a deferred step has none.
#pragma once

#include <ATen/record_function.h>

#include <cstdint>

namespace moco {

class SyncCounter {
 public:
  SyncCounter();  // counts from now, until destroyed
  ~SyncCounter();
  SyncCounter(const SyncCounter&) = delete;
  SyncCounter& operator=(const SyncCounter&) = delete;

  int64_t count() const;

 private:
  at::CallbackHandle handle_ = 0;
};

}  // namespace moco
