// Background work gives way to the thread a person is waiting on. On a machine with few cores the
// training thread, its OpenMP helpers, t-SNE's workers and an evaluation together want more cores
// than there are, and the window's thread, which needs a few milliseconds every frame, can wait
// its turn behind them (the GUI soak saw it runnable but not running for much of some stalls). A
// thread that calls lower_to_background_priority() runs a few nice levels below the process's
// main thread, so the scheduler prefers the window when it wakes; background work still gets
// every core the window leaves idle.
//
// Linux keeps a nice level per thread and a new thread inherits its creator's, so OpenMP's pool
// (created by the thread that first runs a parallel region) and t-SNE's helpers follow the thread
// that starts them. Lowering one's own priority needs no privilege; elsewhere this does nothing.
// Header-only and torch-free: the Qt front end's thread-pool jobs call it too.
#pragma once

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#endif

namespace moco {

// How many nice levels below the main thread background threads run. Five levels is about a
// third of the CPU share (the scheduler's weights fall by 1.25× a level), enough for the window's
// short bursts to win a core at once without starving the background when the window is busy.
constexpr int kBackgroundNiceSteps = 5;

// Lowers the calling thread to the background level; calling it again is harmless (it never
// lowers twice). Returns whether the thread now runs at that level.
inline bool lower_to_background_priority() {
#if defined(__linux__)
  errno = 0;
  const int main_thread = getpriority(PRIO_PROCESS, id_t(getpid()));  // -1 is a valid level: check errno
  if (errno != 0) return false;
  const id_t self = id_t(syscall(SYS_gettid));
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, self);
  if (errno != 0) return false;
  const int target = std::min(19, main_thread + kBackgroundNiceSteps);
  if (current >= target) return true;
  return setpriority(PRIO_PROCESS, self, target) == 0;
#else
  return false;
#endif
}

}  // namespace moco
