// Sweeps: a grid of runs over configuration fields and seeds, one run folder per arm under a sweep
// folder, and the summary of their results. The sweep folder's format is defined here, once:
//   sweep.json            the plan (base config, axes, seeds, steps, evaluation sizes); a rerun with
//                         the same plan resumes, one with another plan is refused
//   <arm name>/           one run folder per arm (api/run_folder.h)
//   <arm name>/finished.json  written once the arm reached its last step and its final evaluation
//   summary.csv           one row per arm
//   summary.md            per setting mean ± sd over seeds, then one row per arm
// Torch-free: the GUI may open a sweep folder.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "api/config.h"
#include "api/run_folder.h"

namespace moco {

// One swept field and the values it takes, as typed ("moco.momentum", {"0.9", "0.99"}).
// A variant axis (a lesson's "v1, +MLP, +aug+, +cosine") instead names groups of settings: `key`
// is a label ("variant"), values[i] names the group and variants[i] holds its field assignments
// (as --set takes them), applied in order. `variants` is empty for a field axis.
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
  std::vector<std::vector<std::pair<std::string, std::string>>> variants;
  bool is_variant_axis() const { return !variants.empty(); }
};

// Parses "key=a,b,c"; commas inside [...] belong to one value (optim.milestones=[0.5,0.8],[0.6,0.9]).
// Throws std::invalid_argument naming the text when it is not of that form.
SweepAxis parse_sweep_axis(const std::string& text);

struct SweepPlan {
  std::string lesson;           // the lesson it was started from (api/lessons.h); empty for --sweep
  Config base;                  // --config/--preset with --set applied
  std::vector<SweepAxis> axes;  // the grid is their cartesian product
  int64_t seeds = 1;            // every setting runs with run.seed 0 .. seeds-1
  int64_t steps = 0;            // steps of every arm (0 = the schedule's end)
  int64_t eval_every = 0;       // periodic evaluations besides the one at the end (0 = none)
  int64_t eval_bank = 0;        // kNN bank / probe training images (0 = all)
  int64_t eval_test = 0;        // test images classified (0 = all)
};

struct SweepArm {
  std::string name;     // "moco.momentum=0.99,seed=1": the run folder's name, stable across reruns
  std::string setting;  // the name without the seed ("moco.momentum=0.99"; "base" when nothing is swept)
  uint64_t seed = 0;
  Config config;
};

// Every arm of the grid: settings in axis order (the last axis varies fastest), seeds innermost.
// Each value goes through set_config_value (as --set) and each arm through validate(), all before
// anything runs; throws std::invalid_argument naming the key and value, or the arm and its issues.
std::vector<SweepArm> expand_sweep(const SweepPlan& plan);

// sweep.json's text, and back (throws std::invalid_argument naming what is malformed).
std::string to_json(const SweepPlan& plan);
SweepPlan sweep_plan_from_json(const std::string& text);
// What differs between the plan a sweep folder holds and a new one, one line per difference
// ("steps: 20 in sweep.json, 40 now"); empty when they match.
std::vector<std::string> plan_differences(const SweepPlan& saved, const SweepPlan& now);

inline constexpr double kNotMeasured = std::numeric_limits<double>::quiet_NaN();

// One arm's results, read off its run folder.
struct ArmResult {
  std::string arm, setting;
  uint64_t seed = 0;
  bool finished = false;
  int64_t steps = 0;                  // the last step recorded
  double final_knn = kNotMeasured;    // kNN top-1 of the last evaluation (fraction)
  double best_knn = kNotMeasured;     // best kNN top-1 of any evaluation
  double final_probe = kNotMeasured;  // linear probe top-1 of the last evaluation
  double final_loss = kNotMeasured;
  double wall_seconds = 0;            // training steps plus evaluations, over every resume
};

// Mean and sample standard deviation (n - 1) of the measured values; sd is NaN below two values.
struct MeanSd {
  double mean = kNotMeasured, sd = kNotMeasured;
};
MeanSd mean_sd(const std::vector<double>& values);  // NaNs (not measured) are left out

// An arm's setting over its seeds.
struct SettingSummary {
  std::string setting;
  int64_t arms = 0;
  MeanSd final_knn, best_knn, final_probe, final_loss, wall_seconds;
};

struct SweepSummary {
  std::vector<ArmResult> arms;
  std::vector<SettingSummary> settings;  // in the order their first arm appears
};

ArmResult arm_result(const SweepArm& arm, const RunRecord& record, bool finished);
SweepSummary summarize(const std::vector<ArmResult>& arms);

class SweepFolder {
 public:
  static constexpr const char* kPlanFile = "sweep.json";
  static constexpr const char* kSummaryCsvFile = "summary.csv";
  static constexpr const char* kSummaryMdFile = "summary.md";
  static constexpr const char* kArmFinishedFile = "finished.json";

  explicit SweepFolder(std::string path);
  const std::string& path() const { return path_; }
  std::string file(const char* name) const;
  RunFolder arm_folder(const SweepArm& arm) const;

  // The plan sweep.json holds; nullopt when there is none. Throws naming the file when malformed.
  std::optional<SweepPlan> read_plan() const;
  // Writes sweep.json for a new sweep (creating the folder); when the folder holds one already, it
  // must be `plan`, else throws std::invalid_argument saying what differs.
  void adopt_plan(const SweepPlan& plan) const;
  // The arms of the plan the folder holds (empty without sweep.json).
  std::vector<SweepArm> arms() const;

  bool arm_finished(const SweepArm& arm) const;
  void mark_finished(const SweepArm& arm) const;

  // The results of every arm that has a run folder, and their summary.
  SweepSummary read_summary(const std::vector<SweepArm>& arms) const;
  // summary.csv and summary.md, each atomically.
  void write_summary(const SweepSummary& summary) const;

 private:
  std::string path_;
};

}  // namespace moco
