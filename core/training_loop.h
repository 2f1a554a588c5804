// Runs a Trainer for a number of steps, reporting each step's metrics to a callback and stopping
// between steps when asked. The loop knows nothing of who listens (CLI, GUI, tests).
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "metrics.h"
#include "trainer.h"

namespace moco {

struct LoopOptions {
  int64_t stop_at_step = 0;       // run until steps_done() reaches this
  int64_t checkpoint_every = 0;   // 0 = none during the loop
  std::string checkpoint_path;    // where periodic checkpoints go
};

enum class LoopEnd { Finished, Stopped };

// Throws what the trainer throws (e.g. NonFiniteLossError); periodic checkpoints written before
// stay intact.
LoopEnd run_training(Trainer& trainer, const LoopOptions& options, const std::function<void(const StepMetrics&)>& on_step,
                     const std::atomic<bool>& stop_requested);

}  // namespace moco
