#include "io/metrics_log.h"

#include "api/files.h"
#include "io/metric_rows.h"

#include <filesystem>
#include <fstream>
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
  if (dropped || kept.size() != text.size()) write_file(path, kept);
}

// Rows of steps after `keep_until_step` dropped, then the file opened to append (created when missing).
AppendFile open_after(const std::string& path, int64_t keep_until_step, bool has_header) {
  if (has_header) truncate_after(path, keep_until_step, true, [](const std::string& l) { return std::stoll(l.substr(0, l.find(','))); });
  else truncate_after(path, keep_until_step, false, [](const std::string& l) { return nlohmann::json::parse(l).at("step").get<int64_t>(); });
  return AppendFile(path);
}

}  // namespace

MetricsLog::MetricsLog(const RunFolder& folder, int64_t keep_until_step)
    : csv_(open_after(folder.file(RunFolder::kMetricsCsvFile), keep_until_step, true)),
      jsonl_(open_after(folder.file(RunFolder::kMetricsJsonlFile), keep_until_step, false)) {
  if (std::filesystem::file_size(csv_.path()) == 0) csv_.append(rows::csv_header() + "\n");
}

// Each row in one write of its whole line (AppendFile), so a kill cuts at most the last line.
void MetricsLog::append(const StepMetrics& m) {
  csv_.append(rows::csv_row(m) + "\n");
  jsonl_.append(rows::jsonl_row(m) + "\n");
}

void MetricsLog::append(const EvalReport& report) { jsonl_.append(to_json_line(report) + "\n"); }

void MetricsLog::append(const Floors& floors) { jsonl_.append(to_json_line(floors, 0) + "\n"); }

}  // namespace moco
