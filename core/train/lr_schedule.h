// Learning rate at a step: linear warm-up, then cosine (per iteration), step (x0.1 at milestones)
// or constant, over a horizon of `total_steps`.
#pragma once

#include <cstdint>

#include "api/config.h"

namespace moco {

double learning_rate(const OptimConfig& optim, double base_lr, int64_t step, int64_t total_steps);

}  // namespace moco
