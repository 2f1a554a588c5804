#include "train/training_loop.h"

#include <chrono>

namespace moco {

LoopResult run_training(Trainer& trainer, const LoopOptions& options, const LoopHooks& hooks, RunWriter* writer) {
  const auto start = std::chrono::steady_clock::now();
  LoopResult result;
  while (trainer.steps_done() < options.stop_at_step) {
    if (hooks.before_step && !hooks.before_step()) {
      result.end = LoopEnd::Stopped;
      break;
    }
    StepMetrics metrics;
    try {
      metrics = trainer.step();
    } catch (const NonFiniteLossError& e) {
      result.end = LoopEnd::Diverged;
      result.message = e.what();
      break;
    }
    if (writer) {
      writer->record(metrics);
      if (options.checkpoint_every > 0 && metrics.step % options.checkpoint_every == 0 &&
          metrics.step < options.stop_at_step)
        writer->save_checkpoint(trainer);
    }
    if (hooks.after_step) hooks.after_step(metrics);
  }
  if (writer && result.end != LoopEnd::Diverged) writer->finish(trainer);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace moco
