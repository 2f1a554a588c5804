#include "train/training_loop.h"

#include <chrono>
#include <optional>

namespace moco {

LoopResult run_training(Trainer& trainer, const LoopOptions& options, const LoopHooks& hooks, RunWriter* writer) {
  const auto start = std::chrono::steady_clock::now();
  LoopResult result;
  std::optional<std::string> diverged;
  // Every metric the trainer has read, recorded in step order.
  const auto drain = [&] {
    for (const auto& m : trainer.take_metrics()) {
      if (writer) writer->record(m);
      if (hooks.after_step) hooks.after_step(m);
    }
  };
  const LoopHooks::Settle settle = [&] {
    if (diverged) return false;
    try {
      trainer.settle();
    } catch (const NonFiniteLossError& e) {
      diverged = e.what();
    }
    drain();
    return !diverged;
  };
  while (!diverged && trainer.steps_done() < options.stop_at_step) {
    if (hooks.before_step && !hooks.before_step(settle)) {
      result.end = LoopEnd::Stopped;
      break;
    }
    if (diverged) break;  // found by a settle in before_step
    try {
      trainer.advance();
      const int64_t step = trainer.steps_done();
      const bool checkpoint =
          writer && options.checkpoint_every > 0 && step % options.checkpoint_every == 0 && step < options.stop_at_step;
      if (checkpoint || (options.settle_every > 0 && step % options.settle_every == 0)) trainer.settle();
      drain();
      if (checkpoint) writer->save_checkpoint(trainer);  // the rows up to this step are written
    } catch (const NonFiniteLossError& e) {
      diverged = e.what();
      drain();  // the steps read before the bad one
    }
  }
  settle();  // the last step's metrics, however the run ends
  if (diverged) {
    result.end = LoopEnd::Diverged;
    result.message = *diverged;
  }
  if (writer && result.end != LoopEnd::Diverged) writer->finish(trainer);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace moco
