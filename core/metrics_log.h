// The metrics files of a run folder: metrics.csv (header row, one row per step) and metrics.jsonl
// (one JSON object per step). Both are appended to when a run is resumed.
#pragma once

#include <fstream>
#include <string>

#include "metrics.h"

namespace moco {

class MetricsLog {
 public:
  // Opens (creating) DIR/metrics.csv and DIR/metrics.jsonl. Rows of steps after `keep_until_step`
  // (left by a run that went on past its last checkpoint) are dropped, so a resumed run appends
  // exactly after the step it resumes from. Throws naming the file when it cannot be written.
  MetricsLog(const std::string& directory, int64_t keep_until_step);
  void append(const StepMetrics& metrics);
  // Extra evaluation values (kNN etc.) as one JSON line: {"step": N, "<name>": value ...}.
  void append_json(const std::string& json_line);

 private:
  std::string csv_path_, jsonl_path_;
  std::ofstream csv_, jsonl_;
};

}  // namespace moco
