// The one table of per-step metrics: name, how to read it, how to set it. The CSV and JSONL columns,
// their order and the readers all come from here, so a new metric is one line.
#include "api/metrics.h"

namespace moco {
namespace {

struct MetricField {
  const char* name;
  double (*get)(const StepMetrics&);
  void (*set)(StepMetrics&, double);
};

#define MOCO_METRIC(field)                                                   \
  MetricField {                                                              \
    #field, [](const StepMetrics& m) { return double(m.field); },            \
        [](StepMetrics& m, double v) { m.field = decltype(m.field)(v); }     \
  }

// In CSV column order.
const std::vector<MetricField>& fields() {
  static const std::vector<MetricField> table = {
      MOCO_METRIC(step),           MOCO_METRIC(epoch),         MOCO_METRIC(loss),           MOCO_METRIC(chance_loss),
      MOCO_METRIC(instance_acc1),  MOCO_METRIC(lr),            MOCO_METRIC(momentum),       MOCO_METRIC(temperature),
      MOCO_METRIC(positive_cosine), MOCO_METRIC(negative_cosine), MOCO_METRIC(queue_fill), MOCO_METRIC(queue_age_mean),
      MOCO_METRIC(queue_age_max),  MOCO_METRIC(key_drift),     MOCO_METRIC(steps_per_epoch),
      MOCO_METRIC(step_seconds),   MOCO_METRIC(images_per_second)};  // the timings last: tests compare the rest
  return table;
}

#undef MOCO_METRIC

}  // namespace

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& f : fields()) n.emplace_back(f.name);
    return n;
  }();
  return names;
}

std::vector<double> metric_values(const StepMetrics& m) {
  std::vector<double> values;
  values.reserve(fields().size());
  for (const auto& f : fields()) values.push_back(f.get(m));
  return values;
}

bool set_metric(StepMetrics& m, const std::string& name, double value) {
  for (const auto& f : fields())
    if (name == f.name) {
      f.set(m, value);
      return true;
    }
  return false;
}

}  // namespace moco
