// Everything the monitor reports at once, and its JSON form for metrics.jsonl.
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "analysis.h"
#include "dataset.h"
#include "trainer.h"

namespace moco {

EvalReport evaluate(Trainer& trainer, const EvalOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  EvalReport r;
  r.step = trainer.steps_done();
  const auto& d = trainer.dataset();
  const int64_t classes = int64_t(d.class_names.size());
  auto bank = extract_feature_set(trainer, Split::Train, first_indices(o.knn.bank_size, d.train.size()));
  auto test = extract_feature_set(trainer, Split::Test, first_indices(o.knn.test_size, d.test.size()));
  KnnOptions knn = o.knn;
  knn.k = std::min(knn.k, bank.count);
  r.knn = knn_on_features(bank, test, classes, knn);
  r.probe.top1 = -1;
  if (o.probe) r.probe = linear_probe(bank, test, classes, o.probe_options);
  r.health = representation_health(trainer, o.health_count);
  r.consistency = queue_consistency(trainer, o.consistency_steps);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::string to_json_line(const EvalReport& r) {
  std::map<int64_t, std::pair<double, int>> by_age;
  for (const auto& p : r.consistency.points) {
    auto& [sum, count] = by_age[p.age];
    sum += p.cosine;
    ++count;
  }
  nlohmann::json ages = nlohmann::json::array();
  for (const auto& [age, acc] : by_age) ages.push_back({{"age", age}, {"cosine", acc.first / acc.second}});
  nlohmann::json eval = {{"knn_top1", r.knn.top1},
                         {"knn_top5", r.knn.top5},
                         {"alignment", r.health.alignment},
                         {"uniformity", r.health.uniformity},
                         {"feature_std", r.health.feature_std},
                         {"ideal_std", r.health.ideal_std},
                         {"effective_rank", r.health.effective_rank},
                         {"queue_consistency", r.consistency.mean_cosine},
                         {"queue_consistency_by_age", ages},
                         {"seconds", r.seconds}};
  if (r.probe.top1 >= 0) eval["probe_top1"] = r.probe.top1;
  return nlohmann::json{{"step", r.step}, {"eval", eval}}.dump();
}

std::string to_json_line(const Floors& f, int64_t step) {
  return nlohmann::json{{"step", step},
                        {"floors", {{"pixel_knn_top1", f.pixel_knn_top1}, {"random_encoder_knn_top1", f.random_encoder_knn_top1}}}}
      .dump();
}

}  // namespace moco
