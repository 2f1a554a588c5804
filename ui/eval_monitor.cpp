#include "eval_monitor.h"

#include <algorithm>

#include "api/monitor.h"
#include "background.h"
#include "dataset_cache.h"
#include "session_controller.h"

namespace moco {

EvalMonitor::EvalMonitor(SessionController* controller, DatasetCache* datasets, QObject* parent)
    : QObject(parent), controller_(controller), datasets_(datasets) {
  connect(controller_, &SessionController::metricsArrived, this,
          [this](const QVector<StepMetrics>& m) { onMetrics(m.back().step); });
  // A job queued after the worker ended never runs: release the busy flag with the session.
  connect(controller_, &SessionController::stateChanged, this, [this](SessionState state) {
    const bool ended = state != SessionState::Loading && state != SessionState::Running && state != SessionState::Paused;
    if (ended && busy_ && !controller_->acceptsJobs()) {
      busy_ = false;
      emit busyChanged(false);
    }
  });
  connect(datasets_, &DatasetCache::loaded, this, [this] {
    if (floorsPending_) computeFloors();
  });
}

void EvalMonitor::setInterval(int steps) {
  interval_ = steps;
  if (interval_ > 0) computeFloors();
}

void EvalMonitor::runStarted(int runId, const Config& config) {
  runId_ = runId;
  config_ = config;
  lastEvaluated_ = 0;
  floorsPending_ = true;
  unlabelledNoted_ = false;
  // The floors cost a few seconds of CPU: only for runs that are evaluated.
  if (interval_ > 0) computeFloors();
}

void EvalMonitor::computeFloors() {
  if (!floorsPending_ || runId_ == 0) return;
  auto dataset = datasets_->get(config_.data);
  if (!dataset) return datasets_->request(config_.data);  // DatasetCache::loaded calls again
  floorsPending_ = false;
  if (!datasets_->info().labels_unavailable.empty()) return;  // no classes: onMetrics says why, once
  const int runId = runId_;
  const Config config = config_;
  const KnnOptions options = monitor_eval_options(datasets_->info().train_size).knn;
  runInBackground(
      this, [config, dataset, options] { return knn_floors(config, *dataset, options); },
      [this, runId](Floors floors) { emit floorsReady(runId, floors); },
      [this](const QString& message) { emit failed(tr("kNN floors: %1").arg(message)); });
}

void EvalMonitor::onMetrics(int64_t step) {
  if (interval_ <= 0 || step < lastEvaluated_ + interval_) return;
  if (datasets_->get(config_.data) && !datasets_->info().labels_unavailable.empty()) {
    // Unlabelled data (a folder without classes): kNN and the probe have nothing to score against.
    // Said once per run, not at every interval.
    if (!unlabelledNoted_) emit failed(tr("evaluation: %1").arg(QString::fromStdString(datasets_->info().labels_unavailable)));
    unlabelledNoted_ = true;
    return;
  }
  evaluateNow();
}

void EvalMonitor::evaluateNow() {
  if (busy_ || !controller_->acceptsJobs()) return;
  computeFloors();
  const auto info = datasets_->get(config_.data) ? datasets_->info() : DatasetInfo{};
  const EvalOptions options = monitor_eval_options(info.train_size);  // 0 while the data loads
  auto report = std::make_shared<EvalReport>();
  const int runId = runId_;
  busy_ = true;
  lastEvaluated_ = controller_->stepsDone();
  emit busyChanged(true);
  controller_->runJob([report, options](Trainer& trainer) { *report = evaluate(trainer, options); },
                      [this, report, runId](const QString& error) {
                        busy_ = false;
                        lastEvaluated_ = std::max(lastEvaluated_, report->step);
                        emit busyChanged(false);
                        if (error.isEmpty()) emit evaluated(runId, *report);
                        else if (runId == runId_) emit failed(tr("evaluation: %1").arg(error));
                        // (an earlier run's evaluation dropped because a new run began: nothing to say)
                      });
}

}  // namespace moco
