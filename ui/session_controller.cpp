#include "session_controller.h"

#include <QThread>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <memory>

#include "background.h"

namespace moco {
namespace {
// The drain rate: 25 Hz keeps plots fluid while costing the GUI thread almost nothing, and a burst
// of fast steps becomes one replot instead of hundreds (PlotJuggler's rule).
constexpr int kRefreshMs = 40;
}  // namespace

SessionController::SessionController(QObject* parent) : QObject(parent), refresh_(new QTimer(this)) {
  qRegisterMetaType<moco::StepMetrics>();
  qRegisterMetaType<moco::SessionState>();
  qRegisterMetaType<QVector<moco::StepMetrics>>();
  refresh_->setInterval(kRefreshMs);
  connect(refresh_, &QTimer::timeout, this, &SessionController::drain);
}

SessionController::~SessionController() {
  session_.reset();
  for (auto& retired : retiring_) retired.wait();
}

void SessionController::retireSession() {
  if (!session_) return;
  retiring_.erase(std::remove_if(retiring_.begin(), retiring_.end(),
                                 [](const std::future<void>& f) {
                                   return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
                                 }),
                  retiring_.end());
  // The session's destructor interrupts the job under way, drops the queued ones (their owners
  // hear so, through this controller) and joins the worker.
  // Background work like any other: it must not take a core from the window while a new run loads.
  retiring_.push_back(std::async(std::launch::async, [old = std::move(session_)]() mutable {
    lower_to_background_priority();
    old.reset();
  }));
}

void SessionController::start(const Config& config, std::shared_ptr<const ImageDataset> dataset, int64_t stopAtStep,
                              bool paused, const QString& runFolder) {
  // An earlier worker is stopped and joined off the GUI thread — except when the new run records
  // into the same folder (a resume), whose files the old one must have closed first.
  retireSession();
  if (!runFolder.isEmpty() && runFolder == runFolder_)
    for (auto& retired : retiring_) retired.wait();
  runFolder_ = runFolder;
  config_ = config;
  last_ = StepMetrics{};
  session_ = std::make_unique<TrainingSession>(config, std::move(dataset));
  if (paused) session_->pause();
  if (backgroundThreads_ > 0) session_->set_threads(trainingThreads());
  TrainingSession::StartOptions options;
  options.stop_at_step = stopAtStep;
  options.run_folder = runFolder.toStdString();
  session_->start(options);
  setState(SessionState::Loading);
  refresh_->start();
}

int SessionController::trainingThreads() const {
  const int all = config_.run.threads > 0 ? int(config_.run.threads) : QThread::idealThreadCount();
  return std::max(1, all - backgroundThreads_);
}

void SessionController::setBackgroundThreads(int threads) {
  if (threads == backgroundThreads_) return;
  backgroundThreads_ = threads;
  // Also after the run ends: the worker goes on serving evaluations and snapshots.
  if (acceptsJobs() || isActive()) session_->set_threads(threads > 0 ? trainingThreads() : config_.run.threads);
}

void SessionController::pause() {
  if (isActive()) session_->pause();
}

void SessionController::resume() {
  if (isActive()) session_->resume();
}

void SessionController::togglePause() {
  if (!isActive()) return;
  if (state_ == SessionState::Paused) resume();
  else pause();
}

void SessionController::stepOnce() {
  if (isActive()) session_->step_once();
}

void SessionController::stop() {
  if (session_) session_->stop();
}

void SessionController::reset() {
  refresh_->stop();
  retireSession();
  last_ = StepMetrics{};
  setState(SessionState::Idle);
}

void SessionController::setLive(const Config& config) {
  copy_live_fields(config, config_);
  if (isActive()) session_->set_live(config_);
}

void SessionController::record(const EvalReport& report) {
  if (session_) session_->record(report);
}

void SessionController::record(const Floors& floors) {
  if (session_) session_->record(floors);
}

void SessionController::requestCheckpoint(const QString& path) {
  if (acceptsJobs()) session_->request_checkpoint(path.toStdString());
  else emit warning(tr("A checkpoint needs a model: start a run first."));
}

namespace {
// A job's `done`, called exactly once: with the job's outcome, or — when the job is dropped unrun
// (the session was replaced or ended first) — with an error, so no caller waits forever.
class JobOutcome {
 public:
  JobOutcome(SessionController* owner, std::function<void(const QString&)> done) : owner_(owner), done_(std::move(done)) {}
  ~JobOutcome() {
    if (!reported_) report(SessionController::tr("the training session ended before the job ran"));
  }
  // Posts `done(error)` to the owner's (GUI) thread. The owner outlives its sessions except while
  // it is destroyed, and then QObject's destructor discards what was posted to it.
  void report(const QString& error) {
    reported_ = true;
    postTo(owner_, [done = done_, error] { done(error); });
  }

 private:
  SessionController* owner_;
  std::function<void(const QString&)> done_;
  bool reported_ = false;
};
}  // namespace

bool SessionController::runJob(std::function<void(Trainer&)> job, std::function<void(const QString&)> done) {
  if (!acceptsJobs()) return false;
  auto outcome = std::make_shared<JobOutcome>(this, std::move(done));
  session_->run_between_steps([outcome, job = std::move(job)](Trainer& trainer) {
    QString error;
    try {
      job(trainer);
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    } catch (...) {
      error = tr("unknown error");
    }
    outcome->report(error);
  });
  return true;
}

bool SessionController::isActive() const {
  return session_ && (state_ == SessionState::Loading || state_ == SessionState::Running || state_ == SessionState::Paused);
}

bool SessionController::acceptsJobs() const {
  if (!session_) return false;
  // After the run ends the session keeps serving jobs on the final model; a run stopped before its
  // first step may have no model, so it takes none.
  return state_ == SessionState::Running || state_ == SessionState::Paused || state_ == SessionState::Finished ||
         (state_ == SessionState::Stopped && session_->steps_done() > 0);
}

int64_t SessionController::stepsDone() const { return session_ ? session_->steps_done() : 0; }
int64_t SessionController::stopAtStep() const { return session_ ? session_->stop_at_step() : 0; }
QString SessionController::deviceName() const {
  return session_ ? QString::fromStdString(session_->device_name()) : QString();
}

void SessionController::setState(SessionState state) {
  if (state == state_) return;
  state_ = state;
  emit stateChanged(state);
}

void SessionController::drain() {
  if (!session_) return;
  // Events first: the worker queues all of a run's metrics before its Finished/Stopped/Failed
  // event, so taking metrics second never leaves a final step behind.
  const auto events = session_->take_events();
  const auto state = session_->state();
  const auto metrics = session_->take_metrics();
  if (!metrics.empty()) {
    last_ = metrics.back();
    emit metricsArrived(QVector<StepMetrics>(metrics.begin(), metrics.end()));
  }
  for (const auto& e : events) {
    const auto message = QString::fromStdString(e.message);
    switch (e.kind) {
      case SessionEvent::Kind::Started:
      case SessionEvent::Kind::Finished:
      case SessionEvent::Kind::Stopped: break;  // stateChanged tells (below)
      case SessionEvent::Kind::Failed: emit failed(message); break;
      case SessionEvent::Kind::Warning: emit warning(message); break;
      case SessionEvent::Kind::Saved: emit saved(message); break;
    }
  }
  setState(state);
  if (state == SessionState::Finished || state == SessionState::Stopped || state == SessionState::Failed) refresh_->stop();
}

}  // namespace moco
