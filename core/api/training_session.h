// A training run on its own thread, for the GUI (and anything else interactive). Torch-free header:
// the UI includes it. Vocabulary: start / pause / resume / step_once / stop in; metrics and events
// out through thread-safe queues that the owner drains at its own pace (never once per step).
// No exception escapes the worker: it becomes a Failed event with the message.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/analysis.h"
#include "api/config.h"
#include "api/metrics.h"

namespace moco {

class Trainer;
struct ImageDataset;

enum class SessionState { Idle, Loading, Running, Paused, Finished, Stopped, Failed };
const char* to_string(SessionState state);

struct SessionEvent {
  // The run's milestones and its messages (pause and resume show in state() instead).
  enum class Kind { Started, Finished, Stopped, Failed, Warning, Saved };
  Kind kind;
  std::string message;  // the error, the warning, or the file saved
};

class TrainingSession {
 public:
  // `dataset` may be null: the worker then loads config.data itself.
  explicit TrainingSession(Config config, std::shared_ptr<const ImageDataset> dataset = nullptr);
  ~TrainingSession();  // stops the worker and joins it
  TrainingSession(const TrainingSession&) = delete;
  TrainingSession& operator=(const TrainingSession&) = delete;

  struct StartOptions {
    int64_t stop_at_step = 0;        // 0 = the schedule's end
    std::string resume_checkpoint;   // empty = a new run
    // Where the run is recorded (api/run_folder.h): every step's metrics, a checkpoint every
    // run.checkpoint_every steps and at the end, the encoder export. Empty = kept in memory only.
    std::string run_folder;
  };
  // Starts the worker: loads data, builds the trainer (optionally from a checkpoint) and trains with
  // the same loop as moco-train (train/training_loop.h). Call once.
  void start(const StartOptions& options);
  void start() { start(StartOptions{}); }
  void pause();
  void resume();
  // While paused (or before Running), runs exactly one step, then stays paused.
  void step_once();
  void stop();
  // Blocks until the worker has ended (Finished, Stopped or Failed).
  void wait();

  // Live changes: the live fields (is_live_field) of `config` take effect at the next step; the
  // others are ignored. An invalid change becomes a Warning event and changes nothing.
  void set_live(const Config& config);
  // CPU threads of the training step (0 = every core), e.g. fewer while t-SNE shares the cores:
  // more threads than cores makes LibTorch's OpenMP barriers wait on descheduled threads.
  void set_threads(int64_t threads);

  // Runs `job` on the worker thread between two steps (with the trainer built), e.g. a checkpoint
  // save or a feature snapshot; after the run has ended, on the final model. Exceptions from it
  // become Warning events (training goes on).
  void run_between_steps(std::function<void(Trainer&)> job);
  // Saves a checkpoint between steps; a Saved (or Warning) event reports the outcome.
  void request_checkpoint(const std::string& path);
  // Appends an evaluation or the floors to the run folder's metrics.jsonl (no-op without a folder).
  void record(const EvalReport& report);
  void record(const Floors& floors);

  std::vector<StepMetrics> take_metrics();
  std::vector<SessionEvent> take_events();

  SessionState state() const;
  int64_t steps_done() const;
  int64_t stop_at_step() const;   // known once the trainer is built, else 0
  std::string device_name() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moco
