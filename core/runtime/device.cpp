#include "runtime/device.h"

#include <stdexcept>
#include <thread>

namespace moco {

torch::Device resolve_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  const bool cuda = torch::cuda::is_available();
  if (name == "cuda") {
    if (!cuda) throw std::runtime_error("device 'cuda' requested but this LibTorch sees no CUDA GPU");
    at::globalContext().setBenchmarkCuDNN(true);  // fixed input sizes: let cuDNN pick its fastest kernels
    return torch::Device(torch::kCUDA, 0);
  }
  if (name == "auto") return cuda ? resolve_device("cuda") : torch::Device(torch::kCPU);
  throw std::invalid_argument("unknown device '" + name + "' (auto, cpu or cuda)");
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
