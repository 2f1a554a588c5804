// Appends to a run folder's metrics.csv and metrics.jsonl while a run trains (one row per step, and
// the kNN monitor's lines). Both files are appended to when a run is resumed.
#pragma once

#include <string>

#include "api/analysis.h"
#include "api/files.h"
#include "api/metrics.h"
#include "api/run_folder.h"

namespace moco {

class MetricsLog {
 public:
  // Opens (creating) the folder's metrics files. Rows of steps after `keep_until_step` (left by a
  // run that went on past its last checkpoint) are dropped, so a resumed run appends exactly after
  // the step it resumes from. Throws naming the file when it cannot be written; so does a failed append.
  MetricsLog(const RunFolder& folder, int64_t keep_until_step);
  void append(const StepMetrics& metrics);
  void append(const EvalReport& report);
  void append(const Floors& floors);

 private:
  AppendFile csv_, jsonl_;  // each append checked: a full disk stops the run naming the file
};

}  // namespace moco
