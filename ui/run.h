// A training run as the window keeps it: its config, every step's metrics and how it is drawn.
// RunList holds them all (live, finished, reopened from folders) for the run dock and the plots.
#pragma once

#include <QColor>
#include <QList>
#include <QObject>
#include <QString>
#include <QVector>
#include <memory>
#include <vector>

#include "api/analysis.h"
#include "api/config.h"
#include "api/metrics.h"

namespace moco {

struct Run {
  int id = 0;
  QString name;
  Config config;
  QVector<StepMetrics> metrics;
  QVector<double> elapsed;  // cumulative training seconds at each step (sum of step_seconds)
  QColor colour;
  QString folder;  // where it was saved or opened from; empty when never saved
  QString status;  // "running", "finished", "stopped", "failed", "opened"
  bool shown = true;
  QVector<EvalReport> evals;  // periodic evaluations (kNN, probe, health, consistency), in step order
  bool hasFloors = false;  // floors: raw-pixel and random-encoder kNN on the same data
  Floors floors;

  void append(const QVector<StepMetrics>& more);
  int64_t lastStep() const { return metrics.isEmpty() ? 0 : metrics.back().step; }
  double finalLoss() const;  // NaN before the first step
  // Steps in one epoch: recorded with each step, else read off the first step of epoch 1 (metrics
  // saved before it was recorded); 0 while unknown.
  int64_t stepsPerEpoch() const;
  // Whether its stored negatives are a memory bank's entries, whose age is counted in epochs.
  bool agesInEpochs() const;
};

class RunList : public QObject {
  Q_OBJECT
 public:
  explicit RunList(QObject* parent = nullptr);
  ~RunList() override;

  // Takes `run`, gives it an id and the next palette colour, and returns where it now lives.
  Run* add(Run run);
  void remove(Run* run);
  void setShown(Run* run, bool shown);
  void setName(Run* run, const QString& name);
  // Appends metrics to `run` and tells listeners which index the new points start at.
  void appendMetrics(Run* run, const QVector<StepMetrics>& metrics);
  void setStatus(Run* run, const QString& status);
  void appendEval(Run* run, const EvalReport& report);
  void setFloors(Run* run, const Floors& floors);

  const std::vector<std::unique_ptr<Run>>& runs() const { return runs_; }
  QList<const Run*> shownRuns() const;
  Run* find(int id) const;
  // A fresh name like "Run 3 · v2".
  QString nextName(const Config& config) const;

 signals:
  void runAdded(moco::Run* run);
  void runRemoved(int id);
  void runChanged(moco::Run* run);  // name, status or final values changed
  void metricsAppended(moco::Run* run, int firstNewIndex);
  void shownChanged();
  void evaluationChanged(moco::Run* run);  // evaluations or floors

 private:
  std::vector<std::unique_ptr<Run>> runs_;
  int nextId_ = 1;
};

}  // namespace moco
