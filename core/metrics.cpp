#include "metrics.h"

namespace moco {

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {
      "step",       "epoch",           "loss",           "chance_loss",     "instance_acc1",  "lr",
      "momentum",   "temperature",     "positive_cosine", "negative_cosine", "queue_fill",    "queue_age_mean",
      "queue_age_max", "key_drift",    "step_seconds",   "images_per_second"};
  return names;
}

std::vector<double> metric_values(const StepMetrics& m) {
  return {double(m.step),    double(m.epoch),   m.loss,           m.chance_loss,     m.instance_acc1, m.lr,
          m.momentum,        m.temperature,     m.positive_cosine, m.negative_cosine, m.queue_fill,    m.queue_age_mean,
          m.queue_age_max,   m.key_drift,       m.step_seconds,   m.images_per_second};
}

}  // namespace moco
