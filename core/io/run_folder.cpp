#include "api/run_folder.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "api/files.h"
#include "io/metric_rows.h"

namespace moco {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream s(line);
  std::string cell;
  while (std::getline(s, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// A CSV cell as a number: C's strtod reads "nan", "-nan" and "inf" as well.
bool parse_number(const std::string& cell, double& value) {
  if (cell.empty()) return false;
  char* end = nullptr;
  errno = 0;
  value = std::strtod(cell.c_str(), &end);
  return end == cell.c_str() + cell.size();
}

}  // namespace

namespace rows {

std::string csv_header() {
  std::string header;
  for (const auto& name : metric_names()) header += (header.empty() ? "" : ",") + name;
  return header;
}

std::string csv_row(const StepMetrics& m) {
  std::ostringstream line;
  line.precision(9);
  const auto values = metric_values(m);
  for (size_t i = 0; i < values.size(); ++i) line << (i ? "," : "") << values[i];
  return line.str();
}

std::string jsonl_row(const StepMetrics& m) {
  const auto& names = metric_names();
  const auto values = metric_values(m);
  nlohmann::json row;
  for (size_t i = 0; i < names.size(); ++i) row[names[i]] = values[i];
  row["step"] = m.step;  // integers, not 12.0
  row["epoch"] = m.epoch;
  row["steps_per_epoch"] = m.steps_per_epoch;
  return row.dump();
}

}  // namespace rows

RunFolder::RunFolder(std::string path) : path_(std::move(path)) {}

std::string RunFolder::file(const char* name) const { return (fs::path(path_) / name).string(); }

bool RunFolder::exists() const { return fs::is_directory(path_); }

bool RunFolder::has_checkpoint() const { return fs::exists(file(kCheckpointFile)); }

bool RunFolder::holds_run() const { return fs::exists(file(kConfigFile)) || fs::exists(file(kMetricsCsvFile)); }

void RunFolder::create() const {
  std::error_code error;
  fs::create_directories(path_, error);
  if (error || !fs::is_directory(path_))
    throw std::runtime_error("cannot create the run folder '" + path_ + "': " +
                             (error ? error.message() : std::string("a file of that name is in the way")));
}

void save_config_file(const Config& config, const std::string& path) { write_file(path, to_json(config) + "\n"); }

void RunFolder::write_config(const Config& config) const { save_config_file(config, file(kConfigFile)); }

void RunFolder::write(const RunRecord& record) const {
  create();
  if (record.config) write_config(*record.config);
  write_metrics_csv(record.metrics, file(kMetricsCsvFile));
  std::string jsonl;
  for (const auto& m : record.metrics) jsonl += rows::jsonl_row(m) + "\n";
  if (record.floors) jsonl += to_json_line(*record.floors, 0) + "\n";
  for (const auto& e : record.evals) jsonl += to_json_line(e) + "\n";
  write_file(file(kMetricsJsonlFile), jsonl);
}

RunRecord RunFolder::read() const {
  if (!holds_run())
    throw std::runtime_error("'" + path_ + "' holds neither " + kConfigFile + " nor " + kMetricsCsvFile + ": not a run folder");
  RunRecord record;
  if (fs::exists(file(kConfigFile))) record.config = load_config_file(file(kConfigFile));
  if (fs::exists(file(kMetricsCsvFile))) record.metrics = read_metrics_csv(file(kMetricsCsvFile));
  std::ifstream jsonl(file(kMetricsJsonlFile));
  std::string line;
  while (std::getline(jsonl, line)) {
    EvalReport report;
    Floors floors;
    switch (parse_json_line(line, report, floors)) {
      case JsonLineKind::Eval: record.evals.push_back(report); break;
      case JsonLineKind::Floors: record.floors = floors; break;
      case JsonLineKind::Other: break;
    }
  }
  return record;
}

void write_metrics_csv(const std::vector<StepMetrics>& metrics, const std::string& path) {
  std::string text = rows::csv_header() + "\n";
  for (const auto& m : metrics) text += rows::csv_row(m) + "\n";
  write_file(path, text);
}

std::vector<StepMetrics> read_metrics_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open '" + path + "'");
  std::string line;
  std::getline(in, line);
  const auto header = split_commas(trimmed(line));
  bool has_step = false, has_loss = false;
  for (const auto& name : header) {
    has_step |= name == "step";
    has_loss |= name == "loss";
  }
  if (!has_step || !has_loss) throw std::runtime_error("'" + path + "' has no header row with 'step' and 'loss' columns");
  std::vector<StepMetrics> metrics;
  int64_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    line = trimmed(line);
    if (line.empty()) continue;
    const auto cells = split_commas(line);
    const std::string where = "'" + path + "' line " + std::to_string(number);
    if (cells.size() != header.size())
      throw std::runtime_error(where + " has " + std::to_string(cells.size()) + " values, the header " +
                               std::to_string(header.size()));
    StepMetrics m;
    for (size_t i = 0; i < cells.size(); ++i) {
      double value = 0;
      if (!parse_number(cells[i], value))
        throw std::runtime_error(where + ": '" + cells[i] + "' in column " + header[i] + " is not a number");
      set_metric(m, header[i], value);  // columns of other versions are ignored
    }
    metrics.push_back(m);
  }
  return metrics;
}

}  // namespace moco
