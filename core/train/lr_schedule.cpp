#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace moco {

double learning_rate(const OptimConfig& optim, double base_lr, int64_t step, int64_t total_steps) {
  const double progress = total_steps > 0 ? std::min(1.0, double(step) / double(total_steps)) : 0.0;
  double lr = base_lr;
  if (optim.schedule == LrSchedule::Cosine) {
    lr *= 0.5 * (1.0 + std::cos(M_PI * progress));
  } else if (optim.schedule == LrSchedule::Step) {
    for (double milestone : optim.milestones)
      if (progress >= milestone) lr *= 0.1;
  }
  if (optim.warmup_steps > 0 && step < optim.warmup_steps) lr *= double(step + 1) / double(optim.warmup_steps);
  return lr;
}

}  // namespace moco
