// What the engine reports after each training step. Plain values: the UI includes this header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace moco {

struct StepMetrics {
  int64_t step = 0;           // steps completed, 1-based
  int64_t epoch = 0;          // 0-based epoch the step belongs to
  double loss = 0;            // InfoNCE (sum of both directions when symmetric); NT-Xent for end_to_end
  // ln(K + 1) (x2 when symmetric): a model that knows nothing. K = the negatives per query: the
  // queue's or the memory bank's K, 2N − 2 for end_to_end (batch N).
  double chance_loss = 0;
  double instance_acc1 = 0;   // fraction of queries whose positive ranks first among K + 1
  double lr = 0;
  double momentum = 0;        // m used this step
  double temperature = 0;     // tau used this step
  double positive_cosine = 0; // mean q . k+
  double negative_cosine = 0; // mean q . negative
  // Where the negatives are stored (the queue, or the memory bank's entries): fraction of slots
  // holding real features (1 for end_to_end, whose negatives are fresh), and their age in steps
  // since written (0 for end_to_end). Memory bank: epochs = steps / steps per epoch; an entry
  // is rewritten once an epoch, at a random step of it, so its age stays below two epochs.
  double queue_fill = 0;
  double queue_age_mean = 0;
  double queue_age_max = 0;
  double key_drift = 0;       // ||theta_k - theta_q|| / ||theta_q|| (queue only: 0 without a key encoder)
  // Steps in one pass over the training set: turns the ages above into epochs (the memory bank's
  // natural unit). 0 in metrics written before it was recorded.
  int64_t steps_per_epoch = 0;
  double step_seconds = 0;
  double images_per_second = 0;  // both views counted
};

// Column names in CSV order, and one row of values (the run folder's metrics.csv and .jsonl).
const std::vector<std::string>& metric_names();
std::vector<double> metric_values(const StepMetrics& m);
// Sets the metric called `name` (one of metric_names()); false when there is none of that name.
bool set_metric(StepMetrics& m, const std::string& name, double value);

}  // namespace moco
