#include "runtime/sync_counter.h"

#include <cstring>

namespace moco {
namespace {

thread_local int64_t t_syncs = 0;

bool on_gpu(const c10::IValue& value) { return value.isTensor() && value.toTensor().is_cuda(); }

std::unique_ptr<at::ObserverContext> on_enter(const at::RecordFunction& fn) {
  const char* name = fn.name();
  if (std::strcmp(name, "aten::_local_scalar_dense") == 0) {
    ++t_syncs;
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

}  // namespace

SyncCounter::SyncCounter() {
  t_syncs = 0;
  handle_ = at::addThreadLocalCallback(
      at::RecordFunctionCallback(on_enter).needsInputs(true).scopes({at::RecordScope::FUNCTION}));
}

SyncCounter::~SyncCounter() { at::removeCallback(handle_); }

int64_t SyncCounter::count() const { return t_syncs; }

}  // namespace moco
