#include "session_phases.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "api/analysis.h"
#include "api/monitor.h"
#include "api/run_folder.h"
#include "runtime/device.h"
#include "train/lr_schedule.h"
#include "train/trainer.h"
#include "tsne/map_options.h"

namespace moco::driver {
namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(5);  // the queues are drained this often (the window: 40 ms)
constexpr auto kQuiet = std::chrono::milliseconds(300);  // long enough for several steps on any device
constexpr int64_t kResumeSteps = 3;  // steps that show a resumed session trains again
constexpr int64_t kLiveRows = 3;     // rows checked after a live edit took effect

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string percent(double fraction) {
  std::ostringstream s;
  s.precision(4);
  s << 100 * fraction << " %";
  return s.str();
}

bool finite_fraction(double x) { return std::isfinite(x) && x >= 0 && x <= 1; }

bool ended(SessionState s) { return s == SessionState::Finished || s == SessionState::Stopped || s == SessionState::Failed; }

class Driver {
 public:
  explicit Driver(const DriverOptions& o) : o_(o), config_(o.config) {}

  DriverReport run() {
    phase("start", [&] { return start(); }, /*needs_training=*/false);
    phase("live_edit", [&] { return live_edit(); });
    phase("evaluation", [&] { return evaluation(); });
    phase("tsne", [&] { return tsne(); });
    phase("pause", [&] { return pause(); });
    phase("step_once", [&] { return step_once(); });
    phase("resume", [&] { return resume(); });
    phase("checkpoint", [&] { return checkpoint(); });
    phase("stop", [&] { return stop(); }, /*needs_training=*/false);
    if (floors_.valid()) floors_.wait();  // never leave the floors' thread behind
    return std::move(report_);
  }

 private:
  // Runs `body`, timing it; an exception fails the phase with its message.
  void phase(const char* name, const std::function<std::string()>& body, bool needs_training = true) {
    PhaseResult r;
    r.name = name;
    const auto start = Clock::now();
    try {
      if (needs_training && !session_) throw std::runtime_error("skipped: no session was started");
      if (needs_training && ended(session_->state())) throw std::runtime_error("skipped: the session ended (" + why_ended() + ")");
      r.detail = body();
      r.ok = true;
    } catch (const std::exception& e) {
      r.detail = e.what();
    }
    r.seconds = seconds_since(start);
    drain();
    report_.phases.push_back(r);
  }

  // What the window's controller does on its timer: take the queued metrics and events.
  void drain() {
    if (!session_) return;
    for (auto& e : session_->take_events()) {
      if (e.kind == SessionEvent::Kind::Failed || e.kind == SessionEvent::Kind::Warning) report_.problems.push_back(e);
      events_.push_back(std::move(e));
    }
    for (const auto& m : session_->take_metrics()) metrics_.push_back(m);
    report_.steps = session_->steps_done();
    if (report_.device.empty()) report_.device = session_->device_name();
  }

  std::string why_ended() const {
    const auto state = session_->state();
    for (const auto& e : events_)
      if (e.kind == SessionEvent::Kind::Failed) return std::string(to_string(state)) + ": " + e.message;
    return to_string(state);
  }

  // Polls until `done`, draining; throws naming `what` after the phase timeout, or at once when the
  // session fails (nothing will change any more).
  void wait_for(const std::function<bool()>& done, const std::string& what) {
    const auto start = Clock::now();
    for (;;) {
      drain();
      if (done()) return;
      if (session_->state() == SessionState::Failed) throw std::runtime_error("the session failed while waiting for " + what + ": " + why_ended());
      if (seconds_since(start) > o_.phase_timeout_s)
        throw std::runtime_error("timed out after " + std::to_string(int(o_.phase_timeout_s)) + " s waiting for " + what +
                                 " (state " + to_string(session_->state()) + ", step " + std::to_string(session_->steps_done()) + ")");
      std::this_thread::sleep_for(kPoll);
    }
  }

  // A job between two steps, as the window's SessionController::runJob, waited for here.
  template <typename T>
  T run_job(std::function<T(Trainer&)> job, const std::string& what) {
    auto promise = std::make_shared<std::promise<T>>();
    auto result = promise->get_future();
    session_->run_between_steps([promise, job = std::move(job)](Trainer& trainer) {
      try {
        promise->set_value(job(trainer));
      } catch (...) {
        promise->set_exception(std::current_exception());
      }
    });
    wait_for([&] { return result.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, what);
    return result.get();
  }

  int64_t steps() const { return session_->steps_done(); }

  std::string start() {
    const auto run_folder = std::filesystem::path(o_.out_dir) / "run";
    std::filesystem::remove_all(run_folder);  // the driver's own output of an earlier run
    const auto load_start = Clock::now();
    dataset_ = load_dataset_shared(config_.data);
    info_ = dataset_info(*dataset_);
    if (!info_.labels_unavailable.empty()) throw std::invalid_argument("the evaluation needs labels: " + info_.labels_unavailable);
    const double load_seconds = seconds_since(load_start);
    // MainWindow::beginRun: a session recording into a run folder, then the evaluation monitor's
    // floors computed beside the training.
    session_ = std::make_unique<TrainingSession>(config_, dataset_);
    TrainingSession::StartOptions start;
    start.run_folder = run_folder.string();
    session_->start(start);
    floors_ = std::async(std::launch::async, [config = config_, dataset = dataset_, train = info_.train_size] {
      return knn_floors(config, *dataset, monitor_eval_options(train).knn);
    });
    const auto train_start = Clock::now();
    wait_for([&] { return steps() >= o_.warm_steps; }, std::to_string(o_.warm_steps) + " steps");
    return info_.name + " (" + std::to_string(info_.train_size) + " train images) loaded in " +
           std::to_string(load_seconds) + " s; " + std::to_string(steps()) + " steps on " + session_->device_name() +
           " after " + std::to_string(seconds_since(train_start)) + " s";
  }

  // MainWindow::onConfigEdited: m, τ and the base lr changed in the form reach the next step.
  std::string live_edit() {
    Config edited = config_;
    edited.moco.momentum = config_.moco.momentum >= 0.99 ? 0.9 : 0.99;
    edited.moco.temperature = config_.moco.temperature == 0.2 ? 0.1 : 0.2;
    edited.optim.lr = config_.optim.lr / 2;
    const int64_t requested_after = steps();
    session_->set_live(edited);
    const int64_t queued_by = steps();  // read after queueing: the bound below holds without a race
    copy_live_fields(edited, config_);
    const auto took_effect = [&](const StepMetrics& m) { return m.step > requested_after && m.momentum == edited.moco.momentum; };
    const auto first = [&] { return std::find_if(metrics_.begin(), metrics_.end(), took_effect); };
    wait_for([&] { return first() != metrics_.end() && metrics_.back().step >= first()->step + kLiveRows - 1; },
             "the live edit in the metrics");
    const int64_t horizon = session_->stop_at_step();
    for (auto it = first(); it != metrics_.end(); ++it) {
      const double lr = learning_rate(edited.optim, edited.optim.lr, it->step - 1, horizon);  // the step's 0-based index
      if (it->momentum != edited.moco.momentum || it->temperature != edited.moco.temperature ||
          std::abs(it->lr - lr) > 1e-9 * std::max(1e-12, std::abs(lr)))
        throw std::runtime_error("step " + std::to_string(it->step) + " trained with m " + std::to_string(it->momentum) +
                                 ", tau " + std::to_string(it->temperature) + ", lr " + std::to_string(it->lr) +
                                 "; expected " + std::to_string(edited.moco.momentum) + ", " +
                                 std::to_string(edited.moco.temperature) + ", " + std::to_string(lr));
    }
    // One step may be in flight when the edit is queued; the one after it must have it.
    if (first()->step > queued_by + 2)
      throw std::runtime_error("the edit queued by step " + std::to_string(queued_by) + " arrived only at step " +
                               std::to_string(first()->step));
    return "m " + std::to_string(o_.config.moco.momentum) + " -> " + std::to_string(edited.moco.momentum) + ", tau " +
           std::to_string(o_.config.moco.temperature) + " -> " + std::to_string(edited.moco.temperature) + ", lr " +
           std::to_string(o_.config.optim.lr) + " -> " + std::to_string(edited.optim.lr) + ": asked after step " +
           std::to_string(requested_after) + ", in force from step " + std::to_string(first()->step);
  }

  // EvalMonitor::evaluateNow and the floors of runStarted, recorded into the run folder as the
  // window records them.
  std::string evaluation() {
    const EvalOptions options = monitor_eval_options(info_.train_size);
    const auto report = run_job<EvalReport>([options](Trainer& t) { return evaluate(t, options); }, "the evaluation");
    if (floors_.wait_for(std::chrono::duration<double>(o_.phase_timeout_s)) != std::future_status::ready)
      throw std::runtime_error("the kNN floors took longer than " + std::to_string(int(o_.phase_timeout_s)) + " s");
    const Floors floors = floors_.get();
    session_->record(report);
    session_->record(floors);
    if (report.step <= 0 || !finite_fraction(report.knn.top1) || !finite_fraction(report.probe.top1) ||
        !finite_fraction(floors.pixel_knn_top1) || !finite_fraction(floors.random_encoder_knn_top1))
      throw std::runtime_error("implausible evaluation at step " + std::to_string(report.step) + ": kNN " +
                               std::to_string(report.knn.top1) + ", probe " + std::to_string(report.probe.top1) +
                               ", floors " + std::to_string(floors.pixel_knn_top1) + " / " +
                               std::to_string(floors.random_encoder_knn_top1));
    return "step " + std::to_string(report.step) + ": kNN " + percent(report.knn.top1) + " (bank " +
           std::to_string(options.knn.bank_size) + ", " + std::to_string(options.knn.test_size) + " test images), probe " +
           percent(report.probe.top1) + ", consistency " + std::to_string(report.consistency.mean_cosine) +
           "; floors: pixels " + percent(floors.pixel_knn_top1) + ", random encoder " +
           percent(floors.random_encoder_knn_top1) + "; evaluation " + std::to_string(report.seconds) + " s";
  }

  // TsneView::snapshot and startTsne: features of the first test images between two steps, then a
  // cold map on half the cores while training runs on the others.
  std::string tsne() {
    const int64_t n = std::min<int64_t>(kMapPoints, info_.test_size);
    std::vector<int64_t> indices(size_t(std::max<int64_t>(0, n)));
    for (int64_t i = 0; i < n; ++i) indices[size_t(i)] = i;
    const auto features = run_job<FeatureSet>(
        [indices](Trainer& t) { return extract_feature_set(t, Split::Test, indices, false); }, "the feature snapshot");
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    const int map_threads = std::max(1, cores / 2);
    const int all = config_.run.threads > 0 ? int(config_.run.threads) : cores;
    session_->set_threads(std::max(1, all - map_threads));  // SessionController::setBackgroundThreads
    const TsneOptions options = feature_map_options(features.count, false, map_threads);
    TsneResult map;
    try {
      map = run_tsne(features.values.data(), features.count, features.dim, options);
    } catch (...) {
      session_->set_threads(config_.run.threads);
      throw;
    }
    session_->set_threads(config_.run.threads);
    const bool finite = std::all_of(map.layout.begin(), map.layout.end(), [](float x) { return std::isfinite(x); });
    if (map.cancelled || map.layout.size() != size_t(2 * features.count) || !finite || map.iterations != options.iterations ||
        !std::isfinite(map.kl_divergence))
      throw std::runtime_error("t-SNE of " + std::to_string(features.count) + " points gave " +
                               std::to_string(map.layout.size()) + " coordinates after " + std::to_string(map.iterations) +
                               " iterations, KL " + std::to_string(map.kl_divergence));
    return std::to_string(features.count) + " test images at step " + std::to_string(features.step) + " (dim " +
           std::to_string(features.dim) + "), " + std::to_string(map.iterations) + " iterations on " +
           std::to_string(map_threads) + " threads, KL " + std::to_string(map.kl_divergence);
  }

  std::string pause() {
    session_->pause();
    wait_for([&] { return session_->state() == SessionState::Paused; }, "the paused state");
    const int64_t at = steps();
    std::this_thread::sleep_for(kQuiet);
    if (steps() != at || session_->state() != SessionState::Paused)
      throw std::runtime_error("paused at step " + std::to_string(at) + ", yet at step " + std::to_string(steps()) + " (" +
                               to_string(session_->state()) + ") later");
    return "paused at step " + std::to_string(at) + ", still there after 0.3 s";
  }

  std::string step_once() {
    const int64_t at = steps();
    session_->step_once();
    wait_for([&] { return steps() == at + 1 && !metrics_.empty() && metrics_.back().step == at + 1; }, "one step");
    std::this_thread::sleep_for(kQuiet);
    if (steps() != at + 1 || session_->state() != SessionState::Paused)
      throw std::runtime_error("one step from " + std::to_string(at) + " went to step " + std::to_string(steps()) + " (" +
                               to_string(session_->state()) + ")");
    return "step " + std::to_string(at) + " -> " + std::to_string(at + 1) + ", then paused";
  }

  std::string resume() {
    const int64_t at = steps();
    session_->resume();
    wait_for([&] { return steps() >= at + kResumeSteps && session_->state() == SessionState::Running; },
             std::to_string(kResumeSteps) + " steps after resuming");
    return "running again: step " + std::to_string(at) + " -> " + std::to_string(steps());
  }

  // File > Save checkpoint: a Saved event names the file, and the file restores a trainer.
  std::string checkpoint() {
    const std::string path = (std::filesystem::path(o_.out_dir) / "driver-checkpoint.pt").string();
    std::filesystem::remove(path);
    const size_t seen = events_.size();
    const int64_t before = steps();
    session_->request_checkpoint(path);
    const auto outcome = [&]() -> const SessionEvent* {
      for (size_t i = seen; i < events_.size(); ++i)
        if ((events_[i].kind == SessionEvent::Kind::Saved && events_[i].message == path) ||
            events_[i].kind == SessionEvent::Kind::Warning)
          return &events_[i];
      return nullptr;
    };
    wait_for([&] { return outcome() != nullptr; }, "the Saved event");
    if (outcome()->kind != SessionEvent::Kind::Saved) throw std::runtime_error("saving failed: " + outcome()->message);
    const int64_t after = steps();
    const Config saved = read_checkpoint_config(path);
    Trainer restored(saved, dataset_);
    restored.load_checkpoint(path);
    if (restored.steps_done() < before || restored.steps_done() > after)
      throw std::runtime_error(path + " holds step " + std::to_string(restored.steps_done()) + ", asked for between steps " +
                               std::to_string(before) + " and " + std::to_string(after));
    if (saved.moco.momentum != config_.moco.momentum || saved.moco.temperature != config_.moco.temperature ||
        saved.optim.lr != config_.optim.lr)
      throw std::runtime_error(path + " lost the live edits: m " + std::to_string(saved.moco.momentum) + ", tau " +
                               std::to_string(saved.moco.temperature) + ", lr " + std::to_string(saved.optim.lr));
    return path + " (step " + std::to_string(restored.steps_done()) + ", with the live m, tau and lr) loads back on " +
           describe_device(restored.device());
  }

  // Stop, then what MainWindow's reset does (the session joins), then the run folder must hold
  // every step, the evaluation and the floors.
  std::string stop() {
    if (!session_) throw std::runtime_error("skipped: no session was started");
    session_->stop();
    wait_for([&] { return ended(session_->state()); }, "the session to end");
    if (session_->state() != SessionState::Stopped) throw std::runtime_error("ended " + why_ended() + " instead of stopped");
    const int64_t trained = steps();
    drain();
    session_.reset();  // joins the worker
    const auto record = RunFolder((std::filesystem::path(o_.out_dir) / "run").string()).read();
    const bool contiguous = int64_t(metrics_.size()) == trained && (metrics_.empty() || metrics_.back().step == trained);
    if (!contiguous || int64_t(record.metrics.size()) != trained || record.evals.empty() || !record.floors || !record.config)
      throw std::runtime_error("stopped at step " + std::to_string(trained) + ": " + std::to_string(metrics_.size()) +
                               " metrics rows came out, the run folder holds " + std::to_string(record.metrics.size()) +
                               " rows, " + std::to_string(record.evals.size()) + " evaluations, " +
                               (record.floors ? "floors" : "no floors") + (record.config ? "" : ", no config.json"));
    return "stopped at step " + std::to_string(trained) + "; the run folder holds every step, " +
           std::to_string(record.evals.size()) + " evaluation and the floors";
  }

  DriverOptions o_;
  Config config_;  // the run's config with the live edits made so far
  std::shared_ptr<const ImageDataset> dataset_;
  DatasetInfo info_;
  std::unique_ptr<TrainingSession> session_;
  std::future<Floors> floors_;
  std::vector<StepMetrics> metrics_;
  std::vector<SessionEvent> events_;
  DriverReport report_;
};
}  // namespace

bool DriverReport::ok() const {
  return !phases.empty() && std::all_of(phases.begin(), phases.end(), [](const PhaseResult& p) { return p.ok; });
}

DriverReport drive_session(const DriverOptions& options) { return Driver(options).run(); }

}  // namespace moco::driver
