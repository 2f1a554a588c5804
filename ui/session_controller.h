// The Qt face of moco::TrainingSession: owns the session, drains its metric and event queues on a
// 40 ms timer on the GUI thread and re-emits them as signals, so widgets never poll or lock.
// Vocabulary: start / pause / resume / stepOnce / stop in; started / metricsArrived / paused /
// resumed / finished / stopped / failed(message) out.
#pragma once

#include <QObject>
#include <QString>
#include <QVector>
#include <functional>
#include <memory>

#include "config.h"
#include "metrics.h"
#include "training_session.h"

class QTimer;

namespace moco {

class SessionController : public QObject {
  Q_OBJECT
 public:
  explicit SessionController(QObject* parent = nullptr);
  ~SessionController() override;  // stops the worker and joins it (a step takes at most ~1 s)

  // Starts a new run of `config` (validate it first); a previous session is stopped and joined.
  // `dataset` null = the worker loads config.data itself. `stopAtStep` 0 trains to the schedule's
  // end; `paused` starts paused (for Step before Start).
  void start(const Config& config, std::shared_ptr<const ImageDataset> dataset = nullptr, int64_t stopAtStep = 0,
             bool paused = false);
  void pause();
  void resume();
  void togglePause();
  // One iteration, then paused; before a run exists it starts one paused.
  void stepOnce();
  void stop();
  // Stops and forgets the session (joins its worker).
  void reset();

  // Live changes, applied by the engine before its next step and remembered in config().
  void setMomentum(double m);
  void setTemperature(double tau);
  void setLearningRate(double lr);
  void setAugmentation(const TransformConfig& augment);
  // Other CPU work (t-SNE) is using `threads` threads: train with that many fewer (at least one)
  // until it is 0 again. Applies to later sessions too.
  void setBackgroundThreads(int threads);
  int trainingThreads() const;
  void requestCheckpoint(const QString& path);
  // Runs `job` on the training thread between two steps (with the trainer built), then `done` on
  // the GUI thread with the error message (empty on success). False, and nothing runs, when the
  // session takes no jobs (see acceptsJobs). `done` is dropped if the controller is destroyed first.
  bool runJob(std::function<void(Trainer&)> job, std::function<void(const QString& error)> done);

  // Loading, Running or Paused: a worker exists that can still train.
  bool isActive() const;
  // Running, Paused, Finished, or Stopped after a step: jobs (checkpoints, snapshots) will run,
  // between steps or on the final model.
  bool acceptsJobs() const;
  SessionState state() const { return state_; }
  int64_t stepsDone() const;
  int64_t stopAtStep() const;
  QString deviceName() const;
  // The config of the current run with the live changes made so far.
  const Config& config() const { return config_; }
  // The newest metrics received (step 0 before any).
  const StepMetrics& lastMetrics() const { return last_; }
  // The session itself, for core calls between steps (analysis.h); null before the first start.
  TrainingSession* session() { return session_.get(); }

 signals:
  void started();
  void metricsArrived(const QVector<moco::StepMetrics>& metrics);
  void paused();
  void resumed();
  void finished();
  void stopped();
  void failed(const QString& message);
  void warning(const QString& message);
  void saved(const QString& path);
  void stateChanged(moco::SessionState state);

 private:
  void drain();
  void setState(SessionState state);

  std::unique_ptr<TrainingSession> session_;
  QTimer* refresh_;
  Config config_;
  int backgroundThreads_ = 0;
  StepMetrics last_;
  SessionState state_ = SessionState::Idle;
};

}  // namespace moco

Q_DECLARE_METATYPE(moco::StepMetrics)
Q_DECLARE_METATYPE(moco::SessionState)
