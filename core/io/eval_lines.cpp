// The kNN monitor's lines in metrics.jsonl: evaluations and floors, written and read back by
// moco-train, the workbench and the run-folder reader alike.
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "api/analysis.h"

namespace moco {

std::vector<std::pair<int64_t, double>> mean_cosine_by_age(const ConsistencyReport& report) {
  std::map<int64_t, std::pair<double, int>> by_age;
  for (const auto& p : report.points) {
    auto& [sum, count] = by_age[p.age];
    sum += p.cosine;
    ++count;
  }
  std::vector<std::pair<int64_t, double>> means;
  for (const auto& [age, acc] : by_age) means.emplace_back(age, acc.first / acc.second);
  return means;
}

std::string to_json_line(const EvalReport& r) {
  nlohmann::json ages = nlohmann::json::array();
  for (const auto& [age, cosine] : mean_cosine_by_age(r.consistency)) ages.push_back({{"age", age}, {"cosine", cosine}});
  nlohmann::json eval = {{"knn_top1", r.knn.top1},
                         {"knn_top5", r.knn.top5},
                         {"alignment", r.health.alignment},
                         {"uniformity", r.health.uniformity},
                         {"feature_std", r.health.feature_std},
                         {"ideal_std", r.health.ideal_std},
                         {"effective_rank", r.health.effective_rank},
                         {"queue_consistency", r.consistency.mean_cosine},
                         {"queue_consistency_by_age", ages},
                         {"knn_seconds", r.knn.seconds},
                         {"seconds", r.seconds}};
  if (r.probe.top1 >= 0) {
    eval["probe_top1"] = r.probe.top1;
    eval["probe_seconds"] = r.probe.seconds;
  }
  return nlohmann::json{{"step", r.step}, {"eval", eval}}.dump();
}

std::string to_json_line(const Floors& f, int64_t step) {
  return nlohmann::json{{"step", step},
                        {"floors", {{"pixel_knn_top1", f.pixel_knn_top1}, {"random_encoder_knn_top1", f.random_encoder_knn_top1}}}}
      .dump();
}

JsonLineKind parse_json_line(const std::string& line, EvalReport& report, Floors& floors) {
  const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return JsonLineKind::Other;
  const auto number = [](const nlohmann::json& o, const char* key, double fallback) {
    const auto it = o.find(key);
    return it != o.end() && it->is_number() ? it->get<double>() : fallback;
  };
  const int64_t step = j.contains("step") && j["step"].is_number_integer() ? j["step"].get<int64_t>() : 0;
  if (const auto f = j.find("floors"); f != j.end() && f->is_object()) {
    floors.pixel_knn_top1 = number(*f, "pixel_knn_top1", 0);
    floors.random_encoder_knn_top1 = number(*f, "random_encoder_knn_top1", 0);
    return JsonLineKind::Floors;
  }
  const auto e = j.find("eval");
  if (e == j.end() || !e->is_object() || !e->contains("knn_top1")) return JsonLineKind::Other;
  report = EvalReport{};
  report.step = report.knn.step = report.probe.step = report.health.step = report.consistency.step = step;
  report.knn.top1 = number(*e, "knn_top1", 0);
  report.knn.top5 = number(*e, "knn_top5", 0);
  report.probe.top1 = number(*e, "probe_top1", -1);
  // Lines with the kNN alone (older GUI files) leave the rest NaN: plots skip what was not measured.
  const double missing = std::numeric_limits<double>::quiet_NaN();
  report.health.alignment = number(*e, "alignment", missing);
  report.health.uniformity = number(*e, "uniformity", missing);
  report.health.feature_std = number(*e, "feature_std", missing);
  report.health.ideal_std = number(*e, "ideal_std", missing);
  report.health.effective_rank = number(*e, "effective_rank", missing);
  report.consistency.mean_cosine = number(*e, "queue_consistency", missing);
  if (const auto ages = e->find("queue_consistency_by_age"); ages != e->end() && ages->is_array())
    for (const auto& a : *ages)
      if (a.is_object()) report.consistency.points.push_back({-1, int64_t(number(a, "age", 0)), number(a, "cosine", 0)});
  report.seconds = number(*e, "seconds", 0);
  return JsonLineKind::Eval;
}

}  // namespace moco
