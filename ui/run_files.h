// Run folders as moco-train writes them: config.json (moco::to_json), metrics.csv (a header row of
// moco::metric_names(), then one row per step) and metrics.jsonl (one JSON object per step, plus
// {"step", "eval": {"knn_top1" ...}} and {"step", "floors": {...}} lines for the kNN monitor).
// The GUI saves the same files and opens either.
#pragma once

#include <QString>
#include <QVector>

#include "metrics.h"
#include "run.h"

namespace moco {

// Names of the files inside a run folder, shared with moco-train.
inline constexpr const char* kRunConfigFile = "config.json";
inline constexpr const char* kRunMetricsFile = "metrics.csv";
inline constexpr const char* kRunJsonlFile = "metrics.jsonl";
inline constexpr const char* kRunCheckpointFile = "checkpoint.pt";

// Writes metrics.csv; throws std::runtime_error naming the file when it cannot.
void writeMetricsCsv(const QVector<StepMetrics>& metrics, const QString& path);
// Reads a metrics.csv by its header (columns may come in any order; unknown ones are ignored).
// Throws std::runtime_error naming the file and line on a malformed row.
QVector<StepMetrics> readMetricsCsv(const QString& path);

// metrics.jsonl: every step, then the floors and the kNN evaluations. Throws naming the file.
void writeMetricsJsonl(const Run& run, const QString& path);
// The evaluations and floors found in a metrics.jsonl (step lines are skipped: metrics.csv
// holds them); lines it cannot parse are skipped.
void readEvaluations(const QString& path, Run& run);

// Writes config.json, metrics.csv and metrics.jsonl into `folder` (created if needed).
void saveRunFolder(const Run& run, const QString& folder);
// Reads a folder written by moco-train or saveRunFolder; the run's name is the folder's name.
Run loadRunFolder(const QString& folder);

}  // namespace moco
