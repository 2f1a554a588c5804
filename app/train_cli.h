// What `moco-train` does, separated from argument parsing so that main stays short.
#pragma once

#include <string>
#include <vector>

namespace moco {

struct TrainCommand {
  std::string config_path;          // --config
  std::string preset;               // --preset (when no --config)
  std::vector<std::string> sets;    // --set key=value
  int64_t steps = 0;                // --steps: total steps of the run to reach (0 = the schedule's end)
  int64_t epochs = 0;               // --epochs
  std::string out_dir;              // --out
  std::string resume_dir;           // --resume
  bool knn = false;                 // --knn: evaluate kNN at the end, with both floors
  int64_t eval_every = 0;           // --eval-every: kNN/probe/health/consistency into metrics.jsonl
  int64_t eval_bank = 10000;        // --eval-bank: training images in the kNN bank (0 = all)
  int64_t eval_test = 2000;         // --eval-test: test images classified (0 = all)
  bool quiet = false;
};

// Trains as the command says; returns the process exit code. Errors are printed to stderr.
int run_train_command(const TrainCommand& command);
// Prints preset `name` as JSON (what --config accepts); returns the exit code.
int print_preset(const std::string& name);

}  // namespace moco
