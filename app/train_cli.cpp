#include "train_cli.h"

#include <algorithm>
#include <cstdlib>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>
#include <nlohmann/json.hpp>

#include "api/analysis.h"
#include "api/fields.h"
#include "api/run_folder.h"
#include "cli_errors.h"
#include "api/files.h"
#include "dist/process_group.h"
#include "progress_bar.h"
#include "runtime/device.h"
#include "train/run_writer.h"
#include "train/trainer.h"
#include "train/training_loop.h"

namespace moco {
namespace {

std::atomic<bool> g_stop{false};
constexpr int kPeerLostExit = 4;  // neither an error of this rank (2) nor an interruption (130)
extern "C" void on_interrupt(int) { g_stop.store(true); }

// --knn: the final model's kNN on the whole splits (the CIFAR demo's k 200, t 0.1) beside both floors.
nlohmann::json final_knn(Trainer& trainer) {
  KnnOptions knn;
  knn.k = std::min<int64_t>(knn.k, trainer.dataset().knn_bank().size());
  const KnnReport trained = knn_monitor(trainer, knn);
  const Floors floors = knn_floors(trainer.config(), trainer.dataset(), knn);
  return {{"step", trainer.steps_done()},
          {"knn_k", knn.k},
          {"knn_t", knn.t},
          {"knn_top1", trained.top1},
          {"knn_top5", trained.top5},
          {"random_encoder_knn_top1", floors.random_encoder_knn_top1},
          {"pixel_knn_top1", floors.pixel_knn_top1}};
}

// This process's place in a data-parallel run (torchrun's variables, which --nproc sets), or null.
// A rank's CPU threads default to its share of the machine's cores.
std::shared_ptr<World> join_world(Config& config) {
  const auto options = world_from_env();
  if (!options || options->size <= 1) return nullptr;
  if (config.run.threads == 0)
    config.run.threads = std::max<int64_t>(1, int64_t(std::thread::hardware_concurrency()) / options->local_size);
  auto world = std::make_shared<World>(*options, resolve_device(config.run.device));
  // A peer found dead while this rank hangs in a collective (no error to meet): end now. The last
  // checkpoint stays as it is (its writes are atomic); _Exit, as the training thread cannot unwind.
  world->on_peer_lost([](const std::string& message) {
    std::cerr << "moco-train: " << message << "; stopping" << std::endl;
    std::_Exit(kPeerLostExit);
  });
  return world;
}

}  // namespace

Config base_config(const TrainCommand& cmd) {
  Config config = cmd.config_path.empty() ? preset_by_name(cmd.preset.empty() ? "fashion-mnist-demo" : cmd.preset)
                                          : load_config_file(cmd.config_path);
  apply_overrides(config, cmd.sets);
  if (cmd.epochs > 0) {
    config.run.epochs = cmd.epochs;
    config.run.total_steps = 0;  // run.total_steps would win over the epochs asked for
  }
  require_data_path_used(config, cmd.sets);
  return config;
}

int print_preset(const std::string& name) {
  try {
    std::cout << to_json(preset_by_name(name)) << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "moco-train: " << e.what() << std::endl;
    return 2;
  }
}

int run_train_command(const TrainCommand& cmd) {
  return run_reporting_errors([&] {
    const bool resuming = !cmd.resume_dir.empty();
    RunJob job{RunFolder(resuming ? cmd.resume_dir : cmd.out_dir), std::nullopt, cmd.eval_every > 0};
    if (resuming) {
      if (!cmd.config_path.empty() || !cmd.sets.empty())
        throw std::invalid_argument("--resume continues a run as it was saved: --config and --set cannot be combined with it");
      if (!job.folder.has_checkpoint()) {
        // Stopped (or killed) before its first checkpoint: nothing to continue, so the run starts
        // again from the configuration it saved first; its metrics rows are rewritten from step 1.
        const std::string saved = job.folder.file(RunFolder::kConfigFile);
        if (!std::filesystem::exists(saved))
          throw std::invalid_argument("'" + job.folder.path() + "' holds neither " + RunFolder::kCheckpointFile +
                                      " nor " + RunFolder::kConfigFile + ": there is no run to resume");
        job.fresh_config = load_config_file(saved);
        if (!cmd.quiet)
          std::cerr << "moco-train: '" << job.folder.path() << "' has no checkpoint yet: starting the run again from its "
                    << RunFolder::kConfigFile << std::endl;
      }
    } else {
      job.fresh_config = base_config(cmd);
      const auto issues = validate(*job.fresh_config);
      if (!issues.empty()) throw std::invalid_argument("invalid configuration:\n" + describe(issues));
      if (job.folder.has_checkpoint())
        throw std::invalid_argument("'" + job.folder.path() + "' already holds a run; continue it with --resume " +
                                    job.folder.path() + " or choose another --out");
    }
    return train_run(cmd, job);
  });
}

int train_run(const TrainCommand& cmd, const RunJob& job) {
  const bool resuming = !job.fresh_config;
  const RunFolder& folder = job.folder;
  Config config = resuming ? read_checkpoint_config(folder.checkpoint()) : *job.fresh_config;
  // --- distributed: every rank trains; rank 0 alone writes the run folder and talks.
  auto world = join_world(config);
  const bool lead = !world || world->rank() == 0;
  const bool quiet = cmd.quiet || !lead;
  const LoadProgress decoding = [&](int64_t done, int64_t total) {
    if (!quiet) std::fprintf(stderr, "\rmoco-train: decoding images %lld/%lld%s", (long long)done, (long long)total,
                                 done == total ? "\n" : "");
    return !g_stop.load();
  };
  auto dataset = std::make_shared<const ImageDataset>(load_dataset(config.data, decoding));
  for (const auto& warning : dataset->warnings) std::cerr << "warning: " << warning << std::endl;
  const std::string no_labels = labels_unavailable(*dataset);
  const bool evaluating = lead && no_labels.empty() && (cmd.eval_every > 0 || job.eval_at_end);
  const bool final_knn_wanted = lead && no_labels.empty() && cmd.knn;
  if (!no_labels.empty() && (cmd.eval_every > 0 || job.eval_at_end || cmd.knn))
    std::cerr << "warning: " << no_labels << "; --eval-every and --knn are skipped" << std::endl;
  TrainerOptions trainer_options;
  trainer_options.world = world;
  Trainer trainer(config, dataset, trainer_options);
  if (resuming) trainer.load_checkpoint(folder.checkpoint());
  if (auto warning = trainer.queue_warning(); warning && lead) std::cerr << "warning: " << *warning << std::endl;
  std::optional<RunWriter> writer_storage;
  if (lead) writer_storage.emplace(folder, trainer);
  RunWriter* writer = writer_storage ? &*writer_storage : nullptr;

  LoopOptions loop;
  loop.stop_at_step = cmd.steps > 0    ? cmd.steps
                      : (resuming && cmd.epochs > 0) ? cmd.epochs * trainer.steps_per_epoch()
                                                     : trainer.schedule_steps();
  loop.checkpoint_every = config.run.checkpoint_every;
  if (!quiet)
    std::cerr << "moco-train: " << dataset->name << (config.data.path.empty() ? "" : " from '" + config.data.path + "'") << " (" << dataset->train.size() << " train images), "
              << to_string(config.model.encoder) << "/" << to_string(config.model.head) << ", K " << config.moco.queue_size << ", batch "
              << config.optim.batch_size << ", steps " << trainer.steps_done() << " -> " << loop.stop_at_step
              << (world ? " x " + std::to_string(world->size()) + " processes (" + world->backend_name() + ")" : "")
              << " on " << describe_device(trainer.device()) << std::endl;

  // An evaluation at step N must see the model of step N, not of the step already queued after it.
  if (evaluating) loop.settle_every = cmd.eval_every;
  EvalOptions eval;
  eval.knn.bank_size = cmd.eval_bank;
  eval.knn.test_size = cmd.eval_test;
  if (evaluating && !resuming) writer->record(knn_floors(trainer.config(), *dataset, eval.knn));

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  ProgressBar bar(trainer.steps_done(), loop.stop_at_step, stderr);
  int64_t last_eval_step = -1;  // a resumed run keeps its evaluations: the one at its end is not repeated
  if (resuming && evaluating)
    if (const auto evals = folder.read().evals; !evals.empty()) last_eval_step = evals.back().step;
  const auto evaluate_now = [&] {
    const auto report = evaluate(trainer, eval);
    writer->record(report);
    last_eval_step = report.step;
    if (!cmd.quiet)
      std::fprintf(stderr, "\neval at step %lld: kNN %.2f%%  probe %.2f%%  consistency %.4f  (%.1f s)\n",
                   (long long)report.step, 100 * report.knn.top1, 100 * report.probe.top1,
                   report.consistency.mean_cosine, report.seconds);
  };
  LoopHooks hooks;
  hooks.before_step = [&](const LoopHooks::Settle&) {
    if (!world) return !g_stop.load();
    // The ranks stop at the same step (a rank that stopped alone would leave the others waiting).
    auto stop = torch::tensor({g_stop.load() ? 1 : 0}, torch::kInt32).to(trainer.device());
    world->allreduce_max(stop);
    return stop.item<int>() == 0;
  };
  hooks.after_step = [&](const StepMetrics& m) {
    if (!quiet) bar.update(m.step, m.loss, m.images_per_second);
    if (evaluating && cmd.eval_every > 0 && m.step % cmd.eval_every == 0) evaluate_now();
  };
  const LoopResult result = run_training(trainer, loop, hooks, writer);
  if (!quiet || result.end == LoopEnd::Diverged) bar.finish();
  // The evaluation at the end, also when a resumed run had no step left to take.
  if (result.end == LoopEnd::Finished && evaluating && job.eval_at_end && last_eval_step != trainer.steps_done())
    evaluate_now();
  switch (result.end) {
    case LoopEnd::Diverged:
      if (lead) std::cerr << "moco-train: " << result.message << std::endl;
      return 3;
    case LoopEnd::Stopped:
      if (lead) std::cerr << "moco-train: interrupted; saved step " << trainer.steps_done() << " to " << folder.checkpoint() << std::endl;
      return 130;
    case LoopEnd::Finished:
      if (!quiet)
        std::cerr << "moco-train: " << trainer.steps_done() << " steps in " << format_duration(result.seconds) << ", saved "
                  << folder.checkpoint() << std::endl;
      break;
  }
  if (final_knn_wanted) {
    auto knn = final_knn(trainer);
    knn["train_seconds"] = result.seconds;
    write_file(folder.file(RunFolder::kFinalEvalFile), knn.dump(2) + "\n");
    std::cout << knn.dump(2) << std::endl;
  }
  return 0;
}

}  // namespace moco
