// The one training loop, used by moco-train, the workbench's TrainingSession and the benchmarks:
// steps a Trainer until a step count, asks before every step whether to go on (stop, pause and the
// work a session runs between steps live behind that hook), records every step into the run folder,
// writes a checkpoint every N steps and at the end, and turns a non-finite loss into an ending of
// its own. It knows nothing of who listens.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "api/metrics.h"
#include "train/run_writer.h"
#include "train/trainer.h"

namespace moco {

struct LoopOptions {
  int64_t stop_at_step = 0;      // run until steps_done() reaches this
  int64_t checkpoint_every = 0;  // 0 = only at the end (needs a RunWriter)
  // With deferred metrics (Trainer::deferred_metrics), also read the pending step at once after
  // every multiple of this step count (0 = never), so that after_step of such a step sees the
  // trainer at that very step: an evaluation every N steps. Checkpoint steps are read at once too.
  int64_t settle_every = 0;
};

struct LoopHooks {
  // Reads and records the step still pending (deferred metrics), so that what follows sees a step
  // known to be finite and every metric so far. False when it found a non-finite loss: the run
  // ends as Diverged once before_step returns (which should then return at once).
  using Settle = std::function<bool()>;
  // Before every step: false ends the run as Stopped. May block (a paused session waits here) and
  // may use the trainer (jobs run between steps): it calls `settle` before doing either.
  std::function<bool(const Settle& settle)> before_step;
  // After every step, once it is recorded (e.g. a progress bar, a periodic evaluation), in step
  // order. With deferred metrics it comes a step late, the trainer already a step further, except
  // after the steps the loop settles (multiples of checkpoint_every and settle_every, and the last).
  std::function<void(const StepMetrics&)> after_step;
};

enum class LoopEnd {
  Finished,  // reached stop_at_step
  Stopped,   // before_step said no
  Diverged,  // the loss became NaN or infinite; the trainer is as it was before that step
};

struct LoopResult {
  LoopEnd end = LoopEnd::Finished;
  std::string message;  // why it diverged
  double seconds = 0;   // wall time of the loop
};

// Runs `trainer`; `writer` (may be null) records metrics (one row per step, in order, the last
// step's included however the run ends) and checkpoints. A Finished or Stopped run
// ends with a checkpoint and the encoder export in the run folder; a Diverged one leaves the last
// periodic checkpoint as it was. Other errors (e.g. a disk that fills) are thrown.
LoopResult run_training(Trainer& trainer, const LoopOptions& options, const LoopHooks& hooks, RunWriter* writer);

}  // namespace moco
