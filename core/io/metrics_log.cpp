#include "io/metrics_log.h"

#include "io/atomic_file.h"
#include "io/metric_rows.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace moco {
namespace {

// Keeps lines whose step (read by `step_of`) is <= keep_until_step; lines it cannot read are kept,
// except a last line without its newline: the row a killed run was writing, cut short. The file is
// rewritten atomically, so a run killed again right here still has every row it had.
template <typename StepOf>
void truncate_after(const std::string& path, int64_t keep_until_step, bool has_header, StepOf step_of) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  std::ostringstream whole;
  whole << in.rdbuf();
  in.close();
  std::string text = whole.str();
  const bool cut_short = !text.empty() && text.back() != '\n';
  std::istringstream lines(text);
  std::string kept, line;
  bool first = true, dropped = false;
  while (std::getline(lines, line)) {
    if (cut_short && lines.eof()) {  // the unterminated last line
      dropped = true;
      break;
    }
    if (line.empty()) continue;
    if (!(first && has_header)) {
      try {
        if (step_of(line) > keep_until_step) {
          dropped = true;
          continue;
        }
      } catch (...) {
      }
    }
    first = false;
    kept += line;
    kept += '\n';
  }
  if (dropped || kept.size() != text.size()) write_file_atomically(path, kept);
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
