#include "runtime/gpu_memory.h"

#include <dlfcn.h>

#include <stdexcept>

#include "api/memory.h"

namespace moco {

std::optional<int64_t> gpu_memory_bytes(const torch::Device& device) {
  if (!device.is_cuda()) return std::nullopt;
  // The driver API's cuDeviceTotalMem needs no context and no CUDA header: three C functions.
  using Init = int (*)(unsigned);
  using DeviceGet = int (*)(int*, int);
  using TotalMem = int (*)(size_t*, int);
  static void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (!driver) return std::nullopt;
  const auto init = reinterpret_cast<Init>(dlsym(driver, "cuInit"));
  const auto device_get = reinterpret_cast<DeviceGet>(dlsym(driver, "cuDeviceGet"));
  const auto total_mem = reinterpret_cast<TotalMem>(dlsym(driver, "cuDeviceTotalMem_v2"));
  int handle = 0;
  size_t bytes = 0;
  if (!init || !device_get || !total_mem || init(0) != 0 || device_get(&handle, device.has_index() ? device.index() : 0) != 0 ||
      total_mem(&bytes, handle) != 0)
    return std::nullopt;
  return int64_t(bytes);
}

void check_fits_device(const Config& config, const torch::Device& device) {
  const auto gpu = gpu_memory_bytes(device);
  if (!gpu) return;
  const std::string refusal = memory_refusal(config, estimate_memory(config).on_device(), *gpu, "the GPU");
  if (!refusal.empty()) throw std::invalid_argument(estimate_memory(config).largest_field(config) + ": " + refusal);
}

}  // namespace moco
