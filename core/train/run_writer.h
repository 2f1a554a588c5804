// Writes a training run into its run folder (api/run_folder.h): config.json when a new run starts,
// each step's metrics, the kNN monitor's evaluations and floors, checkpoints, and at the end the
// checkpoint and the query encoder's export. Used on the thread that steps the trainer.
#pragma once

#include "api/run_folder.h"
#include "io/metrics_log.h"
#include "train/trainer.h"

namespace moco {

class RunWriter {
 public:
  // Opens `folder` for `trainer`, after any checkpoint was loaded into it: a trainer at step 0
  // starts a new run (folder created, config.json written); a resumed one appends after its step.
  RunWriter(RunFolder folder, const Trainer& trainer);

  const RunFolder& folder() const { return folder_; }
  void record(const StepMetrics& metrics) { log_.append(metrics); }
  void record(const EvalReport& report) { log_.append(report); }
  void record(const Floors& floors) { log_.append(floors); }
  void save_checkpoint(Trainer& trainer);
  // The final checkpoint and encoder_q.pth.
  void finish(Trainer& trainer);

 private:
  RunFolder folder_;
  MetricsLog log_;
};

}  // namespace moco
