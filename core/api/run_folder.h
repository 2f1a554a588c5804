// A run folder: what moco-train, the workbench and the benchmarks write and what both programs
// open. Every file name of the format is defined here, once:
//   config.json     the resolved configuration (to_json)
//   metrics.csv     a header row of metric_names(), then one row per step
//   metrics.jsonl   one JSON object per step, plus {"step", "floors": {...}} and {"step", "eval": {...}}
//                   lines of the kNN monitor (to_json_line in analysis.h)
//   checkpoint.pt   the whole training state (Trainer::save_checkpoint), written atomically
//   encoder_q.pth   the query encoder's state dict for torch.load
//   eval.json       moco-train --knn's final kNN against both floors
// Torch-free: the UI includes it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/analysis.h"
#include "api/config.h"
#include "api/metrics.h"

namespace moco {

// Everything a run folder records, as plain data.
struct RunRecord {
  std::optional<Config> config;  // absent when the folder has no config.json
  std::vector<StepMetrics> metrics;
  std::vector<EvalReport> evals;  // in file order
  std::optional<Floors> floors;
};

class RunFolder {
 public:
  static constexpr const char* kConfigFile = "config.json";
  static constexpr const char* kMetricsCsvFile = "metrics.csv";
  static constexpr const char* kMetricsJsonlFile = "metrics.jsonl";
  static constexpr const char* kCheckpointFile = "checkpoint.pt";
  static constexpr const char* kEncoderFile = "encoder_q.pth";
  static constexpr const char* kFinalEvalFile = "eval.json";

  explicit RunFolder(std::string path);
  const std::string& path() const { return path_; }
  // The path of `file` (one of the k...File names) inside the folder.
  std::string file(const char* name) const;
  std::string checkpoint() const { return file(kCheckpointFile); }

  bool exists() const;
  bool has_checkpoint() const;
  // True when the folder holds config.json or metrics.csv.
  bool holds_run() const;
  // Creates the folder (and its parents); throws naming it when it cannot.
  void create() const;

  // Writes config.json atomically.
  void write_config(const Config& config) const;
  // Writes config.json, metrics.csv and metrics.jsonl from `record`, each atomically (the
  // workbench's "Save run"). Creates the folder.
  void write(const RunRecord& record) const;
  // Reads what the folder holds. Throws std::runtime_error naming the file and line when config.json
  // or a metrics.csv row is malformed, or when the folder holds no run; metrics.jsonl lines that do
  // not parse (e.g. a line cut short by a crash) are skipped.
  RunRecord read() const;

 private:
  std::string path_;
};

// metrics.csv alone, e.g. for "Export metrics as CSV" (atomically; throws naming the file).
void write_metrics_csv(const std::vector<StepMetrics>& metrics, const std::string& path);
// Reads a metrics.csv by its header (columns in any order, unknown ones ignored); throws naming the
// file and line on a malformed row.
std::vector<StepMetrics> read_metrics_csv(const std::string& path);

}  // namespace moco
