#include "runtime/device.h"

#include <stdexcept>
#include <thread>

namespace moco {

torch::Device resolve_device(DeviceChoice choice) {
  if (choice == DeviceChoice::Cpu) return torch::kCPU;
  const bool cuda = torch::cuda::is_available();
  if (choice == DeviceChoice::Cuda || (choice == DeviceChoice::Auto && cuda)) {
    if (!cuda) throw std::runtime_error("device 'cuda' requested but this LibTorch sees no CUDA GPU");
    at::globalContext().setBenchmarkCuDNN(true);  // fixed input sizes: let cuDNN pick its fastest kernels
    return torch::Device(torch::kCUDA, 0);
  }
  return torch::kCPU;
}

int configure_threads(int64_t threads) {
  const int count = threads > 0 ? int(threads) : std::max(1u, std::thread::hardware_concurrency());
  if (torch::get_num_threads() != count) torch::set_num_threads(count);
  return count;
}

std::string describe_device(const torch::Device& device) {
  if (device.is_cuda()) return "CUDA:" + std::to_string(device.index());
  return "CPU (" + std::to_string(torch::get_num_threads()) + " threads)";
}

}  // namespace moco
