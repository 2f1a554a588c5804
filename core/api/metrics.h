// What the engine reports after each training step. Plain values: the UI includes this header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace moco {

struct StepMetrics {
  int64_t step = 0;           // steps completed, 1-based
  int64_t epoch = 0;          // 0-based epoch the step belongs to
  double loss = 0;            // InfoNCE (sum of both directions when symmetric)
  double chance_loss = 0;     // ln(K + 1) (x2 when symmetric): a model that knows nothing
  double instance_acc1 = 0;   // fraction of queries whose positive key ranks first among K + 1
  double lr = 0;
  double momentum = 0;        // m used this step
  double temperature = 0;     // tau used this step
  double positive_cosine = 0; // mean q . k+
  double negative_cosine = 0; // mean q . queue
  double queue_fill = 0;      // fraction of slots holding real keys
  double queue_age_mean = 0;  // in steps
  double queue_age_max = 0;
  double key_drift = 0;       // ||theta_k - theta_q|| / ||theta_q||
  double step_seconds = 0;
  double images_per_second = 0;  // both views counted
};

// Column names in CSV order, and one row of values (the run folder's metrics.csv and .jsonl).
const std::vector<std::string>& metric_names();
std::vector<double> metric_values(const StepMetrics& m);
// Sets the metric called `name` (one of metric_names()); false when there is none of that name.
bool set_metric(StepMetrics& m, const std::string& name, double value);

}  // namespace moco
