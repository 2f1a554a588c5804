// A step's scalar metrics on their way to the host without stopping the host: on CUDA a
// non-blocking copy into pinned memory and an event behind it, read later (a step later) once the
// event has passed, so the host never waits for the device's whole queue, only for that copy.
// Elsewhere the values are just kept and read later.
#pragma once

#include <c10/core/Event.h>
#include <torch/torch.h>

#include <optional>
#include <vector>

namespace moco {

class ScalarReadout {
 public:
  // Starts copying `values` (1-d, any floating type, on the training device) to the host.
  explicit ScalarReadout(const torch::Tensor& values);
  // The values, once the copy has finished (waits for it only).
  std::vector<double> read();

 private:
  torch::Tensor host_;
  std::optional<c10::Event> done_;
};

}  // namespace moco
