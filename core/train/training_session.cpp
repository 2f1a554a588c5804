#include "api/training_session.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "api/background_priority.h"
#include "data/dataset.h"
#include "runtime/device.h"
#include "runtime/interrupt.h"
#include "train/run_writer.h"
#include "train/trainer.h"
#include "train/training_loop.h"

namespace moco {

const char* to_string(SessionState s) {
  switch (s) {
    case SessionState::Idle: return "idle";
    case SessionState::Loading: return "loading";
    case SessionState::Running: return "running";
    case SessionState::Paused: return "paused";
    case SessionState::Finished: return "finished";
    case SessionState::Stopped: return "stopped";
    case SessionState::Failed: return "failed";
  }
  return "?";
}

struct TrainingSession::Impl {
  Config config;
  std::shared_ptr<const ImageDataset> dataset;
  std::thread worker;

  mutable std::mutex mutex;
  std::condition_variable wake;
  SessionState state = SessionState::Idle;
  bool pause_requested = false;
  bool stop_requested = false;
  bool shutdown = false;     // the owner is going away: the worker leaves its idle loop
  bool ended = false;        // training ended (Finished, Stopped or Failed)
  std::condition_variable ended_signal;
  int64_t single_steps = 0;  // steps granted while paused
  std::deque<std::function<void(Trainer&)>> jobs;
  std::vector<StepMetrics> metrics;
  std::vector<SessionEvent> events;
  std::unique_ptr<Trainer> trainer;  // built and used by the worker only
  std::unique_ptr<RunWriter> writer;  // the run folder, when there is one (worker only)
  std::atomic<int64_t> steps_done{0};
  std::atomic<int64_t> stop_at{0};
  std::atomic<bool> interrupt{false};  // set by the destructor: a running job ends at its next batch
  std::string device_name;

  void emit(SessionEvent::Kind kind, std::string message = {}) {
    std::lock_guard<std::mutex> lock(mutex);
    events.push_back({kind, std::move(message)});
  }
  void set_state(SessionState s) {
    std::lock_guard<std::mutex> lock(mutex);
    state = s;
  }
  void mark_ended() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      ended = true;
    }
    ended_signal.notify_all();
  }

  // After training ends the worker stays, serving jobs (checkpoints, snapshots, evaluations) on the
  // final model until the session is destroyed.
  void serve_jobs_until_shutdown() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      if (shutdown) return;
      if (!jobs.empty()) {
        if (!trainer) {
          jobs.clear();
          events.push_back({SessionEvent::Kind::Warning, "no model: the run failed before training started"});
          continue;
        }
        lock.unlock();
        run_jobs();
        lock.lock();
        continue;
      }
      wake.wait(lock);
    }
  }

  // Runs the queued jobs; once the session is being destroyed, drops those not yet run (each
  // job's owner hears that it never ran) and a running one ends at its next batch.
  void run_jobs() {
    std::deque<std::function<void(Trainer&)>> pending;
    {
      std::lock_guard<std::mutex> lock(mutex);
      pending.swap(jobs);
    }
    for (auto& job : pending) {
      if (interrupt) return;
      try {
        job(*trainer);
      } catch (const Interrupted&) {
        return;
      } catch (const std::exception& e) {
        emit(SessionEvent::Kind::Warning, e.what());
      }
    }
  }

  // Waits while paused; returns false when the run should end. Jobs and a pause see the last step
  // read and recorded first (`settle`, deferred metrics); settle records through after_step, which
  // takes the lock, so it runs unlocked.
  bool may_step(const LoopHooks::Settle& settle) {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      if (stop_requested) return false;
      if (!jobs.empty()) {
        lock.unlock();
        if (!settle()) return true;  // diverged: the loop ends the run
        run_jobs();
        lock.lock();
        continue;
      }
      if (!pause_requested) {
        state = SessionState::Running;
        return true;
      }
      if (single_steps > 0) {
        --single_steps;
        return true;
      }
      if (trainer->steps_pending() > 0) {  // show the last step before waiting
        lock.unlock();
        if (!settle()) return true;  // diverged: the loop ends the run
        lock.lock();
        continue;
      }
      state = SessionState::Paused;
      wake.wait(lock);
    }
  }

  void train(const StartOptions& options) {
    set_state(SessionState::Loading);
    if (!dataset) dataset = std::make_shared<const ImageDataset>(load_dataset(config.data));
    trainer = std::make_unique<Trainer>(config, dataset);
    if (!options.resume_checkpoint.empty()) trainer->load_checkpoint(options.resume_checkpoint);
    if (!options.run_folder.empty()) writer = std::make_unique<RunWriter>(RunFolder(options.run_folder), *trainer);
    {
      std::lock_guard<std::mutex> lock(mutex);
      device_name = describe_device(trainer->device());
    }
    steps_done = trainer->steps_done();
    stop_at = options.stop_at_step > 0 ? options.stop_at_step : trainer->schedule_steps();
    if (auto warning = trainer->queue_warning()) emit(SessionEvent::Kind::Warning, *warning);
    emit(SessionEvent::Kind::Started);
    LoopHooks hooks;
    hooks.before_step = [this](const LoopHooks::Settle& settle) { return may_step(settle); };
    hooks.after_step = [this](const StepMetrics& m) {
      steps_done = m.step;
      std::lock_guard<std::mutex> lock(mutex);
      metrics.push_back(m);
    };
    const LoopResult result = run_training(*trainer, {stop_at.load(), config.run.checkpoint_every}, hooks, writer.get());
    run_jobs();
    switch (result.end) {
      case LoopEnd::Finished:
        set_state(SessionState::Finished);
        emit(SessionEvent::Kind::Finished);
        break;
      case LoopEnd::Stopped:
        set_state(SessionState::Stopped);
        emit(SessionEvent::Kind::Stopped);
        break;
      case LoopEnd::Diverged:
        set_state(SessionState::Failed);
        emit(SessionEvent::Kind::Failed, result.message);
        break;
    }
  }

  void work(const StartOptions& options) {
    // Training is background work: a thread waiting on it (the window's) gets a core first. Done
    // before the first tensor operation, so OpenMP's pool, created by this thread, inherits it.
    lower_to_background_priority();
    watch_interrupt(&interrupt);
    try {
      train(options);
    } catch (const c10::Error& e) {
      set_state(SessionState::Failed);
      emit(SessionEvent::Kind::Failed, e.what_without_backtrace());
    } catch (const std::exception& e) {
      set_state(SessionState::Failed);
      emit(SessionEvent::Kind::Failed, e.what());
    } catch (...) {
      set_state(SessionState::Failed);
      emit(SessionEvent::Kind::Failed, "unknown error in the training thread");
    }
    mark_ended();
    serve_jobs_until_shutdown();
  }
};

TrainingSession::TrainingSession(Config config, std::shared_ptr<const ImageDataset> dataset) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->dataset = std::move(dataset);
}

TrainingSession::~TrainingSession() {
  impl_->interrupt = true;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stop_requested = true;
    impl_->shutdown = true;
  }
  impl_->wake.notify_all();
  if (impl_->worker.joinable()) impl_->worker.join();
}

void TrainingSession::start(const StartOptions& options) {
  if (impl_->worker.joinable()) throw std::logic_error("a TrainingSession starts only once");
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->state = SessionState::Loading;
  }
  impl_->worker = std::thread([impl = impl_.get(), options] { impl->work(options); });
}

void TrainingSession::pause() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->pause_requested = true;
}

void TrainingSession::resume() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->pause_requested = false;
  }
  impl_->wake.notify_all();
}

void TrainingSession::step_once() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->pause_requested = true;
    impl_->single_steps += 1;
  }
  impl_->wake.notify_all();
}

void TrainingSession::stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stop_requested = true;
  }
  impl_->wake.notify_all();
}

void TrainingSession::wait() {
  if (!impl_->worker.joinable()) return;
  std::unique_lock<std::mutex> lock(impl_->mutex);
  impl_->ended_signal.wait(lock, [&] { return impl_->ended; });
}

void TrainingSession::run_between_steps(std::function<void(Trainer&)> job) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->jobs.push_back(std::move(job));
  }
  impl_->wake.notify_all();
}

void TrainingSession::request_checkpoint(const std::string& path) {
  run_between_steps([impl = impl_.get(), path](Trainer& trainer) {
    trainer.save_checkpoint(path);
    impl->emit(SessionEvent::Kind::Saved, path);
  });
}

void TrainingSession::set_live(const Config& config) {
  run_between_steps([config](Trainer& t) { t.set_live(config); });
}

void TrainingSession::record(const EvalReport& report) {
  run_between_steps([impl = impl_.get(), report](Trainer&) {
    if (impl->writer) impl->writer->record(report);
  });
}

void TrainingSession::record(const Floors& floors) {
  run_between_steps([impl = impl_.get(), floors](Trainer&) {
    if (impl->writer) impl->writer->record(floors);
  });
}

void TrainingSession::set_threads(int64_t threads) {
  // On the worker thread: OpenMP's thread count is a per-thread setting.
  run_between_steps([threads](Trainer&) { configure_threads(threads); });
}

std::vector<StepMetrics> TrainingSession::take_metrics() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  std::vector<StepMetrics> out;
  out.swap(impl_->metrics);
  return out;
}

std::vector<SessionEvent> TrainingSession::take_events() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  std::vector<SessionEvent> out;
  out.swap(impl_->events);
  return out;
}

SessionState TrainingSession::state() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->state;
}
int64_t TrainingSession::steps_done() const { return impl_->steps_done.load(); }
int64_t TrainingSession::stop_at_step() const { return impl_->stop_at.load(); }
std::string TrainingSession::device_name() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->device_name;
}

}  // namespace moco
