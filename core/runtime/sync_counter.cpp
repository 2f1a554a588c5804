#include "runtime/sync_counter.h"

#include <cstring>

namespace moco {
namespace {

thread_local int64_t t_syncs = 0;
thread_local int t_depth = 0;  // ops entered and not yet left on this thread

bool on_gpu(const c10::IValue& value) { return value.isTensor() && value.toTensor().is_cuda(); }

std::unique_ptr<at::ObserverContext> on_enter(const at::RecordFunction& fn) {
  const char* name = fn.name();
  const bool outermost = t_depth++ == 0;
  if (std::strcmp(name, "aten::item") == 0 || std::strcmp(name, "aten::_local_scalar_dense") == 0) {
    // Only a scalar read our code asks for: ATen's CPU kernels read scalars internally too
    // (masked_select counts its mask with item()), which waits for nothing.
    if (outermost) ++t_syncs;
  } else if (std::strcmp(name, "aten::nonzero") == 0 || std::strcmp(name, "aten::masked_select") == 0) {
    const auto inputs = fn.inputs();
    if (!inputs.empty() && on_gpu(inputs[0])) ++t_syncs;
  } else if (std::strcmp(name, "aten::copy_") == 0) {
    // copy_(self, src, non_blocking): a blocking copy between the host and the GPU (either way: a
    // pageable upload waits for the stream too).
    const auto inputs = fn.inputs();
    if (inputs.size() >= 3 && inputs[0].isTensor() && inputs[1].isTensor() && on_gpu(inputs[0]) != on_gpu(inputs[1]) &&
        !(inputs[2].isBool() && inputs[2].toBool()))
      ++t_syncs;
  }
  return nullptr;
}

void on_exit(const at::RecordFunction&, at::ObserverContext*) { --t_depth; }

}  // namespace

SyncCounter::SyncCounter() {
  t_syncs = 0;
  t_depth = 0;
  handle_ = at::addThreadLocalCallback(
      at::RecordFunctionCallback(on_enter, on_exit).needsInputs(true).scopes({at::RecordScope::FUNCTION}));
}

SyncCounter::~SyncCounter() { at::removeCallback(handle_); }

int64_t SyncCounter::count() const { return t_syncs; }

}  // namespace moco
