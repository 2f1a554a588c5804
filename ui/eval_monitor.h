// Schedules the periodic evaluation (analysis.h evaluate with api/monitor.h's options: kNN monitor,
// linear probe, alignment and uniformity, queue consistency) on the training thread every N steps
// or on request, and computes the run's floors (raw-pixel and random-encoder kNN) once in the
// background. Results go out as signals tagged with the run they belong to.
#pragma once

#include <QObject>

#include "api/analysis.h"
#include "api/config.h"
#include "api/metrics.h"

namespace moco {

class DatasetCache;
class SessionController;

class EvalMonitor : public QObject {
  Q_OBJECT
 public:
  EvalMonitor(SessionController* controller, DatasetCache* datasets, QObject* parent = nullptr);

  // Every `steps` training steps (0 = only on request).
  void setInterval(int steps);
  int interval() const { return interval_; }
  // A new run `runId` of `config` began: restarts the schedule and computes its floors.
  void runStarted(int runId, const Config& config);
  // Evaluates the running session now (between two steps).
  void evaluateNow();
  bool busy() const { return busy_; }

 signals:
  void evaluated(int runId, const moco::EvalReport& report);
  void floorsReady(int runId, const moco::Floors& floors);
  void failed(const QString& message);
  void busyChanged(bool busy);

 private:
  void onMetrics(int64_t step);
  void computeFloors();

  SessionController* controller_;
  DatasetCache* datasets_;
  bool unlabelledNoted_ = false;  // the run was told once that its data has no labels
  int interval_ = 0;
  int runId_ = 0;
  Config config_;
  int64_t lastEvaluated_ = 0;
  bool busy_ = false;
  bool floorsPending_ = false;
};

}  // namespace moco

Q_DECLARE_METATYPE(moco::EvalReport)
Q_DECLARE_METATYPE(moco::Floors)
