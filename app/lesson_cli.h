// moco-train --lesson NAME: a lesson's sweep (core/api/lessons.h), sized for the device it runs on,
// trained through the --sweep loop; --list-lessons: what there is and what each costs on a CPU.
#pragma once

#include <optional>
#include <string>

#include "train_cli.h"

namespace moco {

// What the command line gave explicitly; each replaces the lesson's own (tiny test runs, a longer
// run of one lesson). --set is the TrainCommand's: applied to the lesson's base config.
struct LessonCommand {
  std::string name;                                                  // --lesson
  std::optional<int64_t> steps, seeds, eval_every, eval_bank, eval_test;  // given on the command line
};

// Runs lesson `lesson.name` into command.out_dir; returns the exit code. Errors are printed.
int run_lesson_command(const LessonCommand& lesson, const TrainCommand& command);
// Prints every lesson: name, arms, estimated CPU minutes and title; returns the exit code.
int print_lesson_list();

}  // namespace moco
