// moco-train --sweep: every arm of a grid trained into its run folder under --out, a half-done sweep
// resumed, and the summary written (the sweep folder's format is core/api/sweep.h). --lesson runs a
// lesson's plan through the same loop (app/lesson_cli.h).
#pragma once

#include "api/sweep.h"
#include "train_cli.h"

namespace moco {

// Runs the sweep `command` describes (its --sweep, --seeds, --steps, --out); returns the exit code.
int run_sweep_command(const TrainCommand& command);
// Trains every arm of `plan` into the sweep folder command.out_dir (arms finished before are
// skipped, an interrupted one continues from its checkpoint) and writes the summary. The plan's
// steps and evaluation sizes replace the command's; returns the exit code. Errors are thrown.
int run_sweep(const SweepPlan& plan, const TrainCommand& command);

}  // namespace moco
