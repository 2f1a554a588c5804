#include "run_files.h"

#include <QDir>
#include <QFileInfo>


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
  return runFromRecord(record, QFileInfo(QDir::cleanPath(folder)).fileName(), folder);
}

Run runFromRecord(const RunRecord& record, const QString& name, const QString& folder) {
  Run run;
  run.name = name;
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
