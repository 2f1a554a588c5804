// moco-train --sweep: every arm of a grid trained into its run folder under --out, a half-done sweep
// resumed, and the summary written (the sweep folder's format is core/api/sweep.h).
#pragma once

#include "train_cli.h"

namespace moco {

// Runs the sweep `command` describes (its --sweep, --seeds, --steps, --out); returns the exit code.
int run_sweep_command(const TrainCommand& command);

}  // namespace moco
