#include "sweep_cli.h"

#include <iostream>

#include "api/sweep.h"
#include "cli_errors.h"

namespace moco {
namespace {

SweepPlan plan_of(const TrainCommand& cmd) {
  SweepPlan plan;
  plan.base = base_config(cmd);  // validated arm by arm: a swept field may make an invalid base valid
  for (const auto& text : cmd.sweeps) plan.axes.push_back(parse_sweep_axis(text));
  plan.seeds = cmd.seeds > 0 ? cmd.seeds : 1;
  plan.steps = cmd.steps;
  plan.eval_every = cmd.eval_every;
  plan.eval_bank = cmd.eval_bank;
  plan.eval_test = cmd.eval_test;
  return plan;
}

}  // namespace

int run_sweep_command(const TrainCommand& cmd) {
  return run_reporting_errors([&] { return run_sweep(plan_of(cmd), cmd); });
}

int run_sweep(const SweepPlan& plan, const TrainCommand& command) {
  TrainCommand cmd = command;  // each arm trains as the plan says
  cmd.steps = plan.steps;
  cmd.eval_every = plan.eval_every;
  cmd.eval_bank = plan.eval_bank;
  cmd.eval_test = plan.eval_test;
  const auto arms = expand_sweep(plan);  // every arm checked before the first one trains
  const SweepFolder sweep(cmd.out_dir);
  sweep.adopt_plan(plan);
  int code = 0;
  std::vector<std::string> diverged;  // the other arms still run: a diverging setting is a result too
  for (size_t i = 0; i < arms.size() && code == 0; ++i) {
    const SweepArm& arm = arms[i];
    const std::string counter = "arm " + std::to_string(i + 1) + "/" + std::to_string(arms.size()) + " " + arm.name;
    if (sweep.arm_finished(arm)) {
      if (!cmd.quiet) std::cerr << "moco-train: " << counter << ": finished before, skipped" << std::endl;
      continue;
    }
    RunJob job{sweep.arm_folder(arm), arm.config, /*eval_at_end=*/true};
    if (job.folder.has_checkpoint()) job.fresh_config.reset();  // interrupted: continue from its checkpoint
    if (!cmd.quiet)
      std::cerr << "moco-train: " << counter << (job.fresh_config ? "" : ": resuming its checkpoint") << std::endl;
    const int arm_code = train_run(cmd, job);
    if (arm_code == 0) sweep.mark_finished(arm);
    else if (arm_code == 3) diverged.push_back(arm.name);
    else code = arm_code;
  }
  sweep.write_summary(sweep.read_summary(arms));  // also after an interruption: what is done so far
  if (!cmd.quiet) std::cerr << "moco-train: summary in " << sweep.file(SweepFolder::kSummaryMdFile) << std::endl;
  if (code == 0 && !diverged.empty()) {
    std::cerr << "moco-train: " << diverged.size() << " arm(s) diverged and stay unfinished:";
    for (const auto& name : diverged) std::cerr << " " << name;
    std::cerr << std::endl;
    code = 3;
  }
  return code;
}

}  // namespace moco
