// moco-train: trains MoCo headless and writes config, metrics and checkpoints into a run folder.
#include <CLI/CLI.hpp>

#include "train_cli.h"

int main(int argc, char** argv) {
  CLI::App app{"Train a MoCo model headless (MoCo Workbench)", "moco-train"};
  moco::TrainCommand cmd;
  std::string print_config;
  app.add_option("--print-config", print_config, "Print preset v1 or v2 as JSON that --config accepts")
      ->check(CLI::IsMember({"v1", "v2"}));
  auto* config = app.add_option("--config", cmd.config_path, "Experiment JSON (see --print-config)")->check(CLI::ExistingFile);
  app.add_option("--preset", cmd.preset, "Start from preset v1 or v2 instead of a file")
      ->check(CLI::IsMember({"v1", "v2"}))->excludes(config);
  app.add_option("--set", cmd.sets, "Override one field, e.g. --set moco.momentum=0.999 (repeatable)");
  auto* steps = app.add_option("--steps", cmd.steps, "Total steps of the run to reach (the lr schedule keeps its length)")
                    ->check(CLI::PositiveNumber);
  app.add_option("--epochs", cmd.epochs, "Epochs of the run (sets run.epochs)")->check(CLI::PositiveNumber)->excludes(steps);
  auto* out = app.add_option("--out", cmd.out_dir, "Folder for config.json, metrics.csv/.jsonl, checkpoint.pt, encoder_q.pth");
  app.add_option("--resume", cmd.resume_dir, "Continue the run saved in this folder")->check(CLI::ExistingDirectory)->excludes(out);
  app.add_flag("--knn", cmd.knn, "After training, report kNN accuracy (k 200, t 0.1) with the random-encoder and raw-pixel floors");
  app.add_flag("-q,--quiet", cmd.quiet, "No progress output");
  CLI11_PARSE(app, argc, argv);

  if (!print_config.empty()) return moco::print_preset(print_config);
  if (cmd.out_dir.empty() && cmd.resume_dir.empty()) {
    std::cerr << "moco-train: give --out DIR for a new run or --resume DIR (see --help)" << std::endl;
    return 2;
  }
  return moco::run_train_command(cmd);
}
