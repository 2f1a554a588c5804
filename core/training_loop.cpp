#include "training_loop.h"

namespace moco {

LoopEnd run_training(Trainer& trainer, const LoopOptions& options, const std::function<void(const StepMetrics&)>& on_step,
                     const std::atomic<bool>& stop_requested) {
  while (trainer.steps_done() < options.stop_at_step) {
    if (stop_requested.load()) return LoopEnd::Stopped;
    const StepMetrics metrics = trainer.step();
    if (on_step) on_step(metrics);
    if (options.checkpoint_every > 0 && !options.checkpoint_path.empty() &&
        metrics.step % options.checkpoint_every == 0 && metrics.step < options.stop_at_step)
      trainer.save_checkpoint(options.checkpoint_path);
  }
  return LoopEnd::Finished;
}

}  // namespace moco
