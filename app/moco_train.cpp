// moco-train: trains MoCo headless and writes config, metrics and checkpoints into a run folder.
#include <CLI/CLI.hpp>

#include <cstdlib>

#include "analyze_cli.h"
#include "api/config.h"
#include "cli_checks.h"
#include "cli_errors.h"
#include "download_cli.h"
#include "launch_workers.h"
#include "lesson_cli.h"
#include "sweep_cli.h"
#include "train_cli.h"

int main(int argc, char** argv) {
  CLI::App app{"Train a MoCo model headless (MoCo Workbench)", "moco-train"};
  moco::TrainCommand cmd;
  std::string print_config;
  app.add_option("--print-config", print_config, "Print a preset (v1, v2, cifar10-demo, simclr, fashion-mnist-demo) as JSON that --config accepts")
      ->check(CLI::IsMember(moco::preset_names()));
  auto* config = app.add_option("--config", cmd.config_path, "Experiment JSON (see --print-config)")->check(CLI::ExistingFile);
  app.add_option("--preset", cmd.preset, "Start from a preset instead of a file: v1, v2, cifar10-demo (the official CIFAR-10 "
                                         "demo), simclr or fashion-mnist-demo (the default experiment, used without --preset or --config)")
      ->check(CLI::IsMember(moco::preset_names()))->excludes(config);
  app.add_option("--set", cmd.sets, "Override one field, e.g. --set moco.momentum=0.999 (repeatable)");
  auto* steps = app.add_option("--steps", cmd.steps, "Total steps of the run to reach (the lr schedule keeps its length)")
                    ->check(moco::whole_number_at_least(1));
  app.add_option("--epochs", cmd.epochs, "Epochs of the run (sets run.epochs)")->check(moco::whole_number_at_least(1))->excludes(steps);
  auto* out = app.add_option("--out", cmd.out_dir, "Folder for config.json, metrics.csv/.jsonl, checkpoint.pt, encoder_q.pth");
  app.add_option("--resume", cmd.resume_dir, "Continue the run saved in this folder")->check(CLI::ExistingDirectory)->excludes(out);
  auto* sweep = app.add_option("--sweep", cmd.sweeps, "Train a grid: --sweep moco.momentum=0.9,0.99 (repeatable: the "
                                                     "cartesian product), one run folder per arm under --out, summary.md")
                    ->needs(out);
  auto* seeds = app.add_option("--seeds", cmd.seeds, "With --sweep (or alone): every setting with run.seed 0 .. N-1")
                    ->check(moco::whole_number_at_least(1))->needs(out);
  auto* knn = app.add_flag("--knn", cmd.knn, "After training, report kNN accuracy (k 200, t 0.1) with the random-encoder and raw-pixel floors");
  knn->excludes(sweep);  // a sweep evaluates every arm at its end with --eval-bank/--eval-test
  app.add_flag("-q,--quiet", cmd.quiet, "No progress output");
  auto* eval_every = app.add_option("--eval-every", cmd.eval_every,
                                    "Every N steps log kNN, linear probe, health and queue consistency to metrics.jsonl")
                         ->check(moco::whole_number_at_least(1));
  auto* eval_bank = app.add_option("--eval-bank", cmd.eval_bank, "Training images in the kNN bank (0 = all)")
                        ->check(moco::whole_number_at_least(0))->capture_default_str();
  auto* eval_test = app.add_option("--eval-test", cmd.eval_test, "Test images the monitor classifies (0 = all)")
                        ->check(moco::whole_number_at_least(0))->capture_default_str();

  moco::LessonCommand lesson;
  auto* lesson_opt = app.add_option("--lesson", lesson.name, "Run a lesson (see --list-lessons): a ready sweep into --out, "
                                                             "longer on a GPU; --set, --steps, --seeds and --eval-* given "
                                                             "here replace the lesson's")
                         ->needs(out)->excludes(sweep)->excludes(config)->excludes(knn);
  for (const char* other : {"--preset", "--resume", "--epochs"}) lesson_opt->excludes(app.get_option(other));
  bool list_lessons = false;
  app.add_flag("--list-lessons", list_lessons, "List the lessons with their arms and estimated CPU minutes");

  moco::AnalyzeCommand analyze;
  auto* analyze_opt = app.add_option("--analyze", analyze.checkpoint, "Analyse a saved checkpoint instead of training")
                          ->check(CLI::ExistingFile)->excludes(out)->excludes(config);
  app.add_option("--tsne", analyze.tsne_csv, "With --analyze: write a t-SNE of test features as CSV")->needs(analyze_opt);
  app.add_option("--points", analyze.points, "With --analyze: test images in the t-SNE and exports")
      ->check(moco::whole_number_at_least(1))->capture_default_str()->needs(analyze_opt);
  app.add_option("--neighbours", analyze.neighbours, "With --analyze: print neighbours of this test image")
      ->check(moco::whole_number_at_least(0))->needs(analyze_opt);
  app.add_option("--neighbours-of", analyze.image_file, "With --analyze: print neighbours of an image file")
      ->check(CLI::ExistingFile)->needs(analyze_opt);
  app.add_option("--k", analyze.k, "Neighbours listed")->check(moco::whole_number_at_least(1))->capture_default_str()->needs(analyze_opt);
  app.add_option("--export-npy", analyze.npy_dir, "With --analyze: write features.npy and labels.npy here")->needs(analyze_opt);
  app.add_option("--projector", analyze.projector_dir, "With --analyze: write TensorBoard Projector files here")->needs(analyze_opt);

  moco::DownloadCommand download;
  auto* download_opt = app.add_option("--download", download.dataset,
                                      "Download cifar10, cifar100 or stl10 (resumable, MD5-checked) into the data folder")
                           ->excludes(out)->excludes(analyze_opt);
  app.add_option("--data-dir", download.data_dir, "With --download: the data folder (default $MOCO_DATA_DIR, else "
                                                  "$XDG_DATA_HOME/moco-workbench/datasets)")->needs(download_opt);
  app.add_option("--mirror", download.mirror, "With --download: fetch <URL>/<archive> instead (default $MOCO_DATA_MIRROR)")
      ->needs(download_opt);
  // Hidden: the checksum a test's (or a trusted mirror's repackaged) archive has instead of the official one.
  app.add_option("--md5", download.md5)->needs(download_opt)->group("");
  int nproc = 1;
  app.add_option("--nproc", nproc, "Train with N processes on this machine (data-parallel MoCo: one per GPU, else the CPU "
                                   "cores split between them); optim.batch_size is per process. Several machines: set "
                                   "torchrun's RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT instead")
      ->check(CLI::PositiveNumber)->excludes(sweep)->excludes(seeds)->excludes(lesson_opt)->excludes(analyze_opt)
      ->excludes(download_opt);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return moco::with_stdout_checked(app.exit(e));  // --help goes to stdout too
  }
  return moco::with_stdout_checked([&]() -> int {
    if (!print_config.empty()) return moco::print_preset(print_config);
    if (list_lessons) return moco::print_lesson_list();
    if (!lesson.name.empty()) {
      const auto given = [](CLI::Option* option, int64_t value) { return option->count() ? std::optional(value) : std::nullopt; };
      lesson.steps = given(steps, cmd.steps);
      lesson.seeds = given(seeds, cmd.seeds);
      lesson.eval_every = given(eval_every, cmd.eval_every);
      lesson.eval_bank = given(eval_bank, cmd.eval_bank);
      lesson.eval_test = given(eval_test, cmd.eval_test);
      return moco::run_lesson_command(lesson, cmd);
    }
    if (!analyze.checkpoint.empty()) return moco::run_analyze_command(analyze);
    if (!download.dataset.empty()) {
      download.quiet = cmd.quiet;
      return moco::run_download_command(download);
    }
    if (cmd.out_dir.empty() && cmd.resume_dir.empty()) {
      std::cerr << "moco-train: give --out DIR for a new run or --resume DIR (see --help)" << std::endl;
      return 2;
    }
    if (!cmd.sweeps.empty() || cmd.seeds > 0) return moco::run_sweep_command(cmd);
    // --nproc N: this program again as N ranks (torchrun's variables set); a rank trains below.
    if (nproc > 1 && !std::getenv("WORLD_SIZE")) return moco::launch_workers(nproc, moco::without_nproc(argc, argv));
    return moco::run_train_command(cmd);
  }());
}
