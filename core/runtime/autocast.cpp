#include "runtime/autocast.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <stdexcept>

// LibTorch 2.4 replaced the per-backend autocast functions (set_enabled, set_cpu_enabled, ...) by
// ones taking the device type; the old ones are deprecated there. Debian's 1.13 has only the old.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define MOCO_AUTOCAST_BY_DEVICE_TYPE 1
#endif

namespace moco {

bool autocast_enabled(torch::DeviceType type) {
#ifdef MOCO_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::is_autocast_enabled(type);
#else
  return type == torch::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

namespace {

void set_autocast_enabled(torch::DeviceType type, bool on) {
#ifdef MOCO_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_enabled(type, on);
#else
  if (type == torch::kCUDA) at::autocast::set_enabled(on);
  else at::autocast::set_cpu_enabled(on);
#endif
}

at::ScalarType autocast_dtype(torch::DeviceType type) {
#ifdef MOCO_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::get_autocast_dtype(type);
#else
  return type == torch::kCUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

void set_autocast_dtype(torch::DeviceType type, at::ScalarType dtype) {
#ifdef MOCO_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_dtype(type, dtype);
#else
  if (type == torch::kCUDA) at::autocast::set_autocast_gpu_dtype(dtype);
  else at::autocast::set_autocast_cpu_dtype(dtype);
#endif
}

}  // namespace

at::ScalarType scalar_type_of(Precision precision) {
  switch (precision) {
    case Precision::Fp32: return at::kFloat;
    case Precision::Bf16: return at::kBFloat16;
    case Precision::Fp16: return at::kHalf;
    case Precision::Auto: break;
  }
  throw std::logic_error("run.precision 'auto' must be resolved to a precision before autocast");
}

AutocastGuard::AutocastGuard(Precision precision, const torch::Device& device) : device_type_(device.type()) {
  const auto dtype = scalar_type_of(precision);
  if (dtype == at::kFloat) return;
  if (device_type_ != torch::kCUDA && device_type_ != torch::kCPU)
    throw std::invalid_argument("run.precision " + std::string(dtype == at::kHalf ? "fp16" : "bf16") +
                                ": autocast runs on CUDA or the CPU only");
  was_enabled_ = autocast_enabled(device_type_);
  was_dtype_ = autocast_dtype(device_type_);
  set_autocast_dtype(device_type_, dtype);
  set_autocast_enabled(device_type_, true);
  at::autocast::increment_nesting();
  active_ = true;
}

AutocastGuard::~AutocastGuard() {
  if (!active_) return;
  // As torch.autocast's __exit__: the cache of cast weights lives as long as the outermost region.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_autocast_enabled(device_type_, was_enabled_);
  set_autocast_dtype(device_type_, was_dtype_);
}

}  // namespace moco
