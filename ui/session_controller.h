// The Qt face of moco::TrainingSession: owns the session, drains its metric and event queues on a
// 40 ms timer on the GUI thread and re-emits them as signals, so widgets never poll or lock.
// Vocabulary: start / pause / resume / stepOnce / stop in; metricsArrived / stateChanged /
// failed(message) / warning(message) / saved(path) out.
#pragma once

#include <QObject>
#include <QString>
#include <QVector>
#include <functional>
#include <future>
#include <memory>
#include <vector>

#include "api/config.h"
#include "api/metrics.h"
#include "api/training_session.h"

class QTimer;

namespace moco {

class SessionController : public QObject {
  Q_OBJECT
 public:
  explicit SessionController(QObject* parent = nullptr);
  // Stops the worker and joins it, and waits for sessions still being retired (each ends at its
  // next step or batch: well under a second).
  ~SessionController() override;

  // Starts a new run of `config` (validate it first); a previous session is stopped and retired:
  // joined on a background thread, so the window never waits for its last step or job.
  // `dataset` null = the worker loads config.data itself. `stopAtStep` 0 trains to the schedule's
  // end; `paused` starts paused (for Step before Start). A non-empty `runFolder` records the run
  // there as moco-train does (metrics, checkpoints every run.checkpoint_every steps, the encoder).
  void start(const Config& config, std::shared_ptr<const ImageDataset> dataset = nullptr, int64_t stopAtStep = 0,
             bool paused = false, const QString& runFolder = {});
  void pause();
  void resume();
  void togglePause();
  // One iteration, then paused; before a run exists it starts one paused.
  void stepOnce();
  void stop();
  // Stops and forgets the session (joins its worker).
  void reset();

  // Live changes: the live fields (moco::is_live_field) of `config` reach the engine before its next
  // step and are remembered in config(); the other fields are ignored.
  void setLive(const Config& config);
  // Appends an evaluation or the floors to the live run's folder.
  void record(const EvalReport& report);
  void record(const Floors& floors);
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
 signals:
  void metricsArrived(const QVector<moco::StepMetrics>& metrics);
  void failed(const QString& message);
  void warning(const QString& message);
  void saved(const QString& path);
  void stateChanged(moco::SessionState state);

 private:
  void drain();
  void setState(SessionState state);
  void retireSession();

  std::unique_ptr<TrainingSession> session_;
  // Sessions being stopped and joined off the GUI thread (a join waits for the step or the batch
  // of a job under way: up to a few hundred ms on a CPU, an event-loop stall if done here). Their
  // jobs still report to this controller, so the destructor waits for them.
  std::vector<std::future<void>> retiring_;
  QString runFolder_;  // where the current session records ("" = nowhere)
  QTimer* refresh_;
  Config config_;
  int backgroundThreads_ = 0;
  StepMetrics last_;
  SessionState state_ = SessionState::Idle;
};

}  // namespace moco

Q_DECLARE_METATYPE(moco::StepMetrics)
Q_DECLARE_METATYPE(moco::SessionState)
