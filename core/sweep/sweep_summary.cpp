// A sweep's results: each arm's numbers read off its run record, and each setting's mean ± sd over
// its seeds.
#include <algorithm>
#include <cmath>

#include "api/sweep.h"

namespace moco {

ArmResult arm_result(const SweepArm& arm, const RunRecord& record, bool finished) {
  ArmResult result;
  result.arm = arm.name;
  result.setting = arm.setting;
  result.seed = arm.seed;
  result.finished = finished;
  for (const auto& m : record.metrics) result.wall_seconds += m.step_seconds;
  if (!record.metrics.empty()) {
    result.steps = record.metrics.back().step;
    result.final_loss = record.metrics.back().loss;
  }
  for (const auto& eval : record.evals) {  // in step order, as the run wrote them
    result.wall_seconds += eval.seconds;
    result.final_knn = eval.knn.top1;
    result.best_knn = std::isnan(result.best_knn) ? eval.knn.top1 : std::max(result.best_knn, eval.knn.top1);
    result.final_probe = eval.probe.top1 >= 0 ? eval.probe.top1 : kNotMeasured;  // -1: the probe was skipped
  }
  return result;
}

MeanSd mean_sd(const std::vector<double>& values) {
  double sum = 0;
  int64_t n = 0;
  for (const double v : values)
    if (!std::isnan(v)) sum += v, ++n;
  MeanSd out;
  if (n == 0) return out;
  out.mean = sum / n;
  if (n < 2) return out;
  double squares = 0;
  for (const double v : values)
    if (!std::isnan(v)) squares += (v - out.mean) * (v - out.mean);
  out.sd = std::sqrt(squares / (n - 1));
  return out;
}

SweepSummary summarize(const std::vector<ArmResult>& arms) {
  SweepSummary summary;
  summary.arms = arms;
  std::vector<std::string> order;
  for (const auto& arm : arms)
    if (std::find(order.begin(), order.end(), arm.setting) == order.end()) order.push_back(arm.setting);
  for (const auto& setting : order) {
    std::vector<double> final_knn, best_knn, final_probe, final_loss, wall_seconds;
    for (const auto& arm : arms) {
      if (arm.setting != setting) continue;
      final_knn.push_back(arm.final_knn);
      best_knn.push_back(arm.best_knn);
      final_probe.push_back(arm.final_probe);
      final_loss.push_back(arm.final_loss);
      wall_seconds.push_back(arm.wall_seconds);
    }
    summary.settings.push_back({setting, static_cast<int64_t>(final_knn.size()), mean_sd(final_knn), mean_sd(best_knn),
                                mean_sd(final_probe), mean_sd(final_loss), mean_sd(wall_seconds)});
  }
  return summary;
}

}  // namespace moco
