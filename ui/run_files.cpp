#include "run_files.h"

#include <QDir>
#include <QFileInfo>

#include "api/run_folder.h"

namespace moco {

void saveRunFolder(const Run& run, const QString& folder) {
  RunRecord record;
  record.config = run.config;
  record.metrics.assign(run.metrics.begin(), run.metrics.end());
  record.evals.assign(run.evals.begin(), run.evals.end());
  if (run.hasFloors) record.floors = run.floors;
  RunFolder(QDir::toNativeSeparators(folder).toStdString()).write(record);
}

Run loadRunFolder(const QString& folder) {
  const RunRecord record = RunFolder(QDir::toNativeSeparators(folder).toStdString()).read();
  Run run;
  run.name = QFileInfo(QDir::cleanPath(folder)).fileName();
  run.folder = folder;
  run.status = QStringLiteral("opened");
  if (record.config) run.config = *record.config;
  run.append(QVector<StepMetrics>(record.metrics.begin(), record.metrics.end()));
  run.evals = QVector<EvalReport>(record.evals.begin(), record.evals.end());
  run.hasFloors = record.floors.has_value();
  if (record.floors) run.floors = *record.floors;
  return run;
}

}  // namespace moco
