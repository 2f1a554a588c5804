// Long loops on a training session's worker thread (feature extraction, kNN) end early when the
// session is being destroyed — the window closes or a new run starts mid-evaluation — instead of
// holding the window until they finish: they call throw_if_interrupted() between batches. The
// session points its worker thread at its flag; elsewhere (moco-train, the tests) no flag is
// watched and the call costs one thread-local read.
#pragma once

#include <atomic>
#include <stdexcept>

namespace moco {

struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted: the training session is ending") {}
};

// The flag the calling thread's loops watch from now on; nullptr for none.
void watch_interrupt(const std::atomic<bool>* flag);

// Throws Interrupted when the watched flag is set.
void throw_if_interrupted();

}  // namespace moco
