#include "lesson_cli.h"

#include <cmath>
#include <cstdio>
#include <iostream>

#include "api/lessons.h"
#include "cli_errors.h"
#include "runtime/device.h"
#include "sweep_cli.h"

namespace moco {
namespace {

// True when an axis of `plan` sets `key` in its arms (a field axis of it, or a variant assigning it):
// there a --set of the same key is overwritten arm by arm.
bool swept(const SweepPlan& plan, const std::string& key) {
  for (const auto& axis : plan.axes) {
    if (!axis.is_variant_axis() && axis.key == key) return true;
    for (const auto& variant : axis.variants)
      for (const auto& assignment : variant)
        if (assignment.first == key) return true;
  }
  return false;
}

}  // namespace

int run_lesson_command(const LessonCommand& given, const TrainCommand& cmd) {
  return run_reporting_errors([&] {
    const Lesson lesson = lesson_by_name(given.name);
    // The device the base config resolves to (with --set run.device=...) decides the lesson's size.
    Config base = lesson.plan.base;
    apply_overrides(base, cmd.sets);
    const bool gpu = resolve_device(base.run.device).is_cuda();
    SweepPlan plan = lesson_plan(lesson, gpu);
    apply_overrides(plan.base, cmd.sets);
    for (const auto& assignment : cmd.sets)
      if (const std::string key = assignment.substr(0, assignment.find('=')); swept(plan, key))
        std::cerr << "warning: --set " << assignment << ": the lesson's arms set " << key << " themselves" << std::endl;
    if (given.steps) plan.steps = *given.steps;
    if (given.seeds) plan.seeds = *given.seeds;
    if (given.eval_every) plan.eval_every = *given.eval_every;
    if (given.eval_bank) plan.eval_bank = *given.eval_bank;
    if (given.eval_test) plan.eval_test = *given.eval_test;
    if (!cmd.quiet) {
      std::cerr << "moco-train: lesson " << lesson.name << ": " << lesson.title << "\n";
      if (gpu) std::cerr << "moco-train: on a GPU: " << lesson.gpu_scale << "x the steps, whole splits evaluated\n";
      else std::cerr << "moco-train: about " << std::lround(std::ceil(estimated_cpu_seconds(plan) / 60)) << " minutes on a 2-core CPU\n";
      std::cerr << "Look for: " << lesson.look_for << "\nPaper: " << lesson.paper << std::endl;
    }
    return run_sweep(plan, cmd);
  });
}

int print_lesson_list() {
  return run_reporting_errors([] {
    for (const auto& name : lesson_names()) {
      const Lesson lesson = lesson_by_name(name);
      const size_t arms = expand_sweep(lesson.plan).size();
      std::printf("%-16s %2zu arms  %3ld CPU min  %s\n", name.c_str(), arms,
                  std::lround(std::ceil(estimated_cpu_seconds(lesson.plan) / 60)), lesson.title.c_str());
    }
    return 0;
  });
}

}  // namespace moco
