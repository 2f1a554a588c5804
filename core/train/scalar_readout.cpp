#include "train/scalar_readout.h"

#include <c10/core/impl/VirtualGuardImpl.h>

#include <thread>

namespace moco {

ScalarReadout::ScalarReadout(const torch::Tensor& values) {
  auto flat = values.detach().reshape({-1}).to(torch::kFloat64);
  if (!flat.is_cuda()) {
    host_ = flat;
    return;
  }
  host_ = torch::empty({flat.numel()}, torch::TensorOptions().dtype(torch::kFloat64).pinned_memory(true));
  host_.copy_(flat, /*non_blocking=*/true);
  // Through c10's device-generic event: no CUDA header, so the CPU-only build compiles this too.
  done_.emplace(c10::DeviceType::CUDA);
  done_->record(c10::impl::VirtualGuardImpl(c10::DeviceType::CUDA).getStream(flat.device()));
}

std::vector<double> ScalarReadout::read() {
  // LibTorch 1.13's c10::Event cannot block on the host: poll it (the copy is tiny and was queued a
  // whole step ago, so this normally passes at once).
  if (done_)
    while (!done_->query()) std::this_thread::yield();
  auto values = host_.contiguous();
  const double* data = values.data_ptr<double>();  // no item(): nothing for the sync counter to see
  return std::vector<double>(data, data + values.numel());
}

}  // namespace moco
