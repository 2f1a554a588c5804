// What `moco-train` does, separated from argument parsing so that main stays short.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/config.h"
#include "api/run_folder.h"

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
  std::vector<std::string> sweeps;  // --sweep key=a,b,c: train the grid of these (app/sweep_cli.h)
  int64_t seeds = 0;                // --seeds N: each setting of the grid with run.seed 0 .. N-1 (0 = not given)
};

// One run trained into one run folder: moco-train's run, or one arm of a sweep.
struct RunJob {
  RunFolder folder;
  std::optional<Config> fresh_config;  // a new run of this (valid) config; nullopt: continue the folder's checkpoint
  bool eval_at_end = false;            // evaluate (kNN, probe, health) once the last step is reached
};

// Trains as the command says; returns the process exit code. Errors are printed to stderr.
int run_train_command(const TrainCommand& command);
// The configuration --config/--preset, --set and --epochs describe, not yet validated.
Config base_config(const TrainCommand& command);
// Trains `job` with the command's steps, evaluation and output settings; returns the exit code
// (0 finished, 3 diverged, 130 interrupted). Errors are thrown.
int train_run(const TrainCommand& command, const RunJob& job);
// Prints preset `name` as JSON (what --config accepts); returns the exit code.
int print_preset(const std::string& name);

}  // namespace moco
