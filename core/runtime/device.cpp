#include "runtime/device.h"

#include <ATen/detail/CUDAHooksInterface.h>

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

Precision resolve_precision(Precision requested, const torch::Device& device) {
  if (requested == Precision::Fp16 && !device.is_cuda())
    throw std::invalid_argument("run.precision fp16 needs a CUDA GPU, but the run is on the CPU (CPU autocast supports "
                                "bf16 only): use bf16 or fp32");
  if (requested != Precision::Auto) return requested;
  // Through ATen's CUDA hooks, which a CPU-only LibTorch answers too (false), so no CUDA header here.
  const bool bf16 = device.is_cuda() && at::detail::getCUDAHooks().supportsBFloat16ConvolutionWithCuDNNv8();
  return bf16 ? Precision::Bf16 : Precision::Fp32;
}

int configure_threads(int64_t threads) {
  const int count = threads > 0 ? int(threads) : std::max(1u, std::thread::hardware_concurrency());
  if (torch::get_num_threads() != count) torch::set_num_threads(count);
  return count;
}

torch::Tensor to_device_async(const torch::Tensor& host, const torch::Device& device) {
  if (!device.is_cuda() || !host.is_cpu()) return host.to(device);
  return host.pin_memory().to(device, /*non_blocking=*/true);
}

std::string describe_device(const torch::Device& device) {
  if (device.is_cuda()) return "CUDA:" + std::to_string(device.index());
  return "CPU (" + std::to_string(torch::get_num_threads()) + " threads)";
}

}  // namespace moco
