#include "io/metrics_log.h"

#include "io/metric_rows.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace moco {
namespace {

// Keeps lines whose step (read by `step_of`) is <= keep_until_step; lines it cannot read are kept.
template <typename StepOf>
void truncate_after(const std::string& path, int64_t keep_until_step, bool has_header, StepOf step_of) {
  std::ifstream in(path);
  if (!in) return;
  std::vector<std::string> kept;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (!(first && has_header)) {
      try {
        if (step_of(line) > keep_until_step) continue;
      } catch (...) {
      }
    }
    first = false;
    kept.push_back(line);
  }
  in.close();
  std::ofstream out(path, std::ios::trunc);
  for (const auto& l : kept) out << l << '\n';
}

std::ofstream open_append(const std::string& path) {
  std::ofstream out(path, std::ios::app);
  if (!out) throw std::runtime_error("cannot write metrics file '" + path + "'");
  return out;
}

}  // namespace

MetricsLog::MetricsLog(const RunFolder& folder, int64_t keep_until_step)
    : csv_path_(folder.file(RunFolder::kMetricsCsvFile)), jsonl_path_(folder.file(RunFolder::kMetricsJsonlFile)) {
  truncate_after(csv_path_, keep_until_step, true, [](const std::string& l) { return std::stoll(l.substr(0, l.find(','))); });
  truncate_after(jsonl_path_, keep_until_step, false,
                 [](const std::string& l) { return nlohmann::json::parse(l).at("step").get<int64_t>(); });
  const bool new_csv = !std::filesystem::exists(csv_path_) || std::filesystem::file_size(csv_path_) == 0;
  csv_ = open_append(csv_path_);
  jsonl_ = open_append(jsonl_path_);
  if (new_csv) csv_ << rows::csv_header() << '\n';
}

void MetricsLog::append(const StepMetrics& m) {
  csv_ << rows::csv_row(m) << '\n';
  jsonl_ << rows::jsonl_row(m) << '\n';
  csv_.flush();
  jsonl_.flush();
  if (!csv_ || !jsonl_) throw std::runtime_error("cannot append to '" + csv_path_ + "' (disk full?)");
}

void MetricsLog::append(const EvalReport& report) { append_json(to_json_line(report)); }

void MetricsLog::append(const Floors& floors) { append_json(to_json_line(floors, 0)); }

void MetricsLog::append_json(const std::string& json_line) {
  jsonl_ << json_line << '\n';
  jsonl_.flush();
  if (!jsonl_) throw std::runtime_error("cannot append to '" + jsonl_path_ + "' (disk full?)");
}

}  // namespace moco
