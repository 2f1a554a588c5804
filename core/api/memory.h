// What a configuration needs in memory, estimated from the configuration alone before anything is
// allocated: validation refuses one that cannot fit this machine with the figures (a queue of two
// billion keys is "queue 1.1 TB" at moco.queue_size, not an allocator's failure deep in LibTorch),
// and the workbench shows the estimate beside the experiment. Torch- and Qt-free.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/config.h"

namespace moco {

struct MemoryEstimate {
  int64_t negatives = 0;    // the queue (K keys and their bookkeeping) or the memory bank
  int64_t dataset = 0;      // decoded images (uint8) and labels of both splits
  bool dataset_known = true;  // false for IDX and image folders: their size is known once read
  int64_t activations = 0;  // one training step: augmented views, activations kept for backward, logits (rough)
  int64_t logits = 0;       // the part of `activations` that grows with K (the queue) or with the bank
  int64_t model = 0;        // query and key encoders, gradients, SGD momentum
  int64_t train_images = 0;  // the part of `dataset` a CUDA run also copies to the GPU
  // Everything, in bytes.
  int64_t total() const { return negatives + dataset + activations + model; }
  // What lives on the training device (a GPU): all but the test split kept in RAM.
  MemoryEstimate on_device() const;
  // The field that contributes most: where validation shows the refusal.
  std::string largest_field(const Config& config) const;
  // "queue 1.1 TB, dataset 47.0 MB, activations 6.1 TB, model 1.2 MB"
  std::string breakdown(const Config& config) const;
};

MemoryEstimate estimate_memory(const Config& config);

// Parameters of one encoder with its head (the key encoder has as many), for `channels`-channel
// images: counted layer by layer as core/model/encoders.cpp builds them.
int64_t encoder_parameter_count(const ModelConfig& model, int64_t channels);

// This machine's physical memory (MemTotal of /proc/meminfo), nullopt where unknown. Not
// MemAvailable: the question is whether a configuration can ever fit this machine, and an answer
// that changed with whatever else happens to run (or with the page cache) would make the same
// experiment valid one minute and invalid the next.
std::optional<int64_t> machine_memory_bytes();

// Decimal units, three significant figures at most: "11.3 TB", "25.3 GB", "812 MB", "4.0 kB".
std::string format_bytes(int64_t bytes);

// Empty when `needed` fits `available` bytes of `where` ("this machine", "the GPU"); else the
// refusal with every figure: "… would need about 7.2 TB (queue 1.1 TB, …) but this machine has 25.3 GB".
std::string memory_refusal(const Config& config, const MemoryEstimate& needed, int64_t available, const std::string& where);

}  // namespace moco
