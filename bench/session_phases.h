// The workbench window's training session, driven without Qt: the same core calls in the same order
// (moco::TrainingSession and the analysis functions the window's controller, evaluation monitor and
// t-SNE view use), as a script of phases that each report whether they did what they should. Made
// for the GPU machine, which has no Qt: bench/session_driver runs it there.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/config.h"
#include "api/training_session.h"

namespace moco::driver {

struct DriverOptions {
  Config config;
  int64_t warm_steps = 5;        // steps trained before the first live edit
  std::string out_dir;           // the run folder (out_dir/run) and the checkpoint go here
  double phase_timeout_s = 120;  // a phase waiting longer than this fails (e.g. a hung GPU)
};

struct PhaseResult {
  std::string name;
  bool ok = false;
  double seconds = 0;
  std::string detail;  // what was checked and seen, or what went wrong
};

struct DriverReport {
  std::string device;                  // as the session names it (e.g. "cuda:0 (NVIDIA H200)")
  int64_t steps = 0;                   // steps the session trained
  std::vector<PhaseResult> phases;     // start, live_edit, evaluation, tsne, pause, step_once, resume, checkpoint, stop
  std::vector<SessionEvent> problems;  // the session's Failed and Warning events
  bool ok() const;
};

// Runs every phase in order; a phase that fails is reported and the next ones still run while the
// session can train (once it cannot, they fail as skipped, naming why).
DriverReport drive_session(const DriverOptions& options);

}  // namespace moco::driver
