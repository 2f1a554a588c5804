// Everything the monitor reports at once (its JSON form for metrics.jsonl is in io/eval_lines.cpp).
#include <algorithm>
#include <chrono>

#include "api/analysis.h"
#include "api/monitor.h"
#include "data/dataset.h"
#include "eval/on_device.h"
#include "train/trainer.h"

namespace moco {
namespace {
constexpr int64_t kMonitorBankLimit = 5000;  // bounds one evaluation to a few seconds on a CPU
constexpr int64_t kMonitorTestLimit = 1000;  // 0.1 % resolution is plenty for a live plot
}  // namespace

EvalOptions monitor_eval_options(int64_t train_size) {
  EvalOptions o;
  o.knn.bank_size = train_size > 0 ? std::min(kMonitorBankLimit, train_size) : kMonitorBankLimit;
  o.knn.test_size = kMonitorTestLimit;
  o.knn.k = std::max<int64_t>(1, std::min<int64_t>(o.knn.k, o.knn.bank_size));  // the demo's 200, unless the bank is smaller
  return o;
}

EvalReport evaluate(Trainer& trainer, const EvalOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  EvalReport r;
  r.step = trainer.steps_done();
  const auto& d = trainer.dataset();
  if (auto why = labels_unavailable(d); !why.empty()) throw std::invalid_argument(why);
  const int64_t classes = int64_t(d.class_names.size());
  // Features stay on the training device for the kNN and the probe alike.
  auto bank = device_features(trainer, Split::Bank, first_indices(o.knn.bank_size, d.knn_bank().size()));
  auto test = device_features(trainer, Split::Test, first_indices(o.knn.test_size, d.test.size()));
  KnnOptions knn = o.knn;
  knn.k = std::min(knn.k, bank.features.size(0));
  r.knn = knn_on_tensors(bank.features, bank.labels, test.features, test.labels, classes, knn);
  r.knn.step = r.step;
  // The kNN's time includes extracting the features, as knn_monitor's does (the probe reuses them).
  r.knn.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.probe.top1 = -1;
  if (o.probe) {
    r.probe = linear_probe_on_tensors(bank.features, bank.labels, test.features, test.labels, classes, o.probe_options);
    r.probe.step = r.step;
  }
  r.health = representation_health(trainer, o.health_count);
  r.consistency = queue_consistency(trainer, o.consistency_steps);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace moco
