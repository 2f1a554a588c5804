#include "runtime/interrupt.h"

namespace moco {
namespace {
thread_local const std::atomic<bool>* watched = nullptr;
}  // namespace

void watch_interrupt(const std::atomic<bool>* flag) { watched = flag; }

void throw_if_interrupted() {
  if (watched && watched->load(std::memory_order_relaxed)) throw Interrupted();
}

}  // namespace moco
