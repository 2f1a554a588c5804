// Lessons: ready sweeps a teacher runs in class (the momentum ablation, queue size, v1 against the
// v2 steps, temperature, the three mechanisms, MoCo against SimCLR), each with what to look for and
// the paper's result beside ours. One file per lesson in resources/lessons/<name>.json, compiled in:
//   {"name", "title", "look_for", "paper", "ours",          texts shown in the Lessons menu
//    "preset": "v2", "set": {"optim.batch_size": "128"},    the base config (--preset and --set)
//    "sweep": [{"key": "moco.momentum", "values": ["0", "0.9"]},            a field axis, or
//              {"key": "variant", "variants": [{"name": "v1", "set": {...}}, ...]}],  a variant axis
//    "seeds": 2, "steps": 300, "eval_bank": 10000, "eval_test": 2000,  (steps 0 = each arm's schedule)
//    "gpu_scale": 8}                                        steps and eval sizes × this on a GPU
// Torch-free: the GUI lists and describes lessons; moco-train --lesson runs them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/sweep.h"

namespace moco {

struct Lesson {
  std::string name;      // "momentum": --lesson NAME and the file name
  std::string title;     // "Momentum of the key encoder"
  std::string look_for;  // what to watch while it runs, a few sentences
  std::string paper;     // the paper's result for the same comparison
  std::string ours;      // what this lesson showed on a 2-core CPU (LESSONS.md), or "not measured yet"
  SweepPlan plan;        // sized for a 2-core CPU; plan.lesson == name
  int64_t gpu_scale = 1; // on a GPU: steps (and run.total_steps of variants) × gpu_scale
};

// The compiled-in lessons' names, in menu order.
std::vector<std::string> lesson_names();
// Throws std::invalid_argument naming `name` and listing the lessons when there is none by that name.
Lesson lesson_by_name(const std::string& name);
// Parses one lesson file's text; throws std::invalid_argument naming `name` and what is malformed.
Lesson lesson_from_json(const std::string& name, const std::string& text);
// The plan to run: lesson.plan on a CPU; on a GPU with steps scaled by gpu_scale.
SweepPlan lesson_plan(const Lesson& lesson, bool gpu);
// Rough 2-core CPU time of a plan in seconds (training and the final evaluation of every arm),
// from the throughput measured in BENCHMARKS.md: the Lessons menu shows it, and the test holds
// every lesson under 15 minutes.
double estimated_cpu_seconds(const SweepPlan& plan);

}  // namespace moco
