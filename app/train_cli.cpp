#include "train_cli.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analysis.h"
#include "cli_errors.h"
#include "atomic_file.h"
#include "device.h"
#include "export.h"
#include "knn.h"
#include "metrics_log.h"
#include "progress_bar.h"
#include "trainer.h"
#include "training_loop.h"

namespace moco {
namespace {

namespace fs = std::filesystem;
constexpr const char* kCheckpointFile = "checkpoint.pt";
constexpr const char* kEncoderFile = "encoder_q.pth";

std::atomic<bool> g_stop{false};
extern "C" void on_interrupt(int) { g_stop.store(true); }

Config resolve_config(const TrainCommand& cmd) {
  Config config = cmd.config_path.empty() ? preset_by_name(cmd.preset.empty() ? "v2" : cmd.preset)
                                          : load_config_file(cmd.config_path);
  for (const auto& assignment : cmd.sets) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("--set expects key=value, got '" + assignment + "'");
    set_config_value(config, assignment.substr(0, eq), assignment.substr(eq + 1));
  }
  if (cmd.epochs > 0) config.run.epochs = cmd.epochs;
  const auto issues = validate(config);
  if (!issues.empty()) throw std::invalid_argument("invalid configuration:\n" + describe(issues));
  return config;
}

nlohmann::json evaluate_knn(Trainer& trainer) {
  const auto& data = trainer.dataset();
  if (!data.train.has_labels() || !data.test.has_labels()) throw std::runtime_error("kNN needs labelled train and test splits");
  const auto device = trainer.device();
  const auto& prep = trainer.augmenter();
  const int64_t classes = int64_t(data.class_names.size());
  const int64_t k = std::min<int64_t>(200, data.train.size());
  auto evaluate = [&](EncoderImpl& encoder) {
    auto bank = extract_features(encoder, data.train.images, prep, device);
    auto test = extract_features(encoder, data.test.images, prep, device);
    return knn_evaluate(bank, data.train.labels, test, data.test.labels, classes, k, 0.1);
  };
  const auto trained = evaluate(*trainer.model().query);
  const Config config = trainer.config();
  torch::manual_seed(config.run.seed);  // the same initial weights the run started from
  auto random_encoder = make_encoder(config.model, data.channels(), config.moco.bn_splits);
  random_encoder->to(device);
  const auto random = evaluate(*random_encoder);
  const auto pixels = knn_evaluate(pixel_features(data.train.images, prep), data.train.labels,
                                   pixel_features(data.test.images, prep), data.test.labels, classes, k, 0.1);
  return {{"step", trainer.steps_done()},
          {"knn_k", k},
          {"knn_t", 0.1},
          {"knn_top1", trained.top1},
          {"knn_top5", trained.top5},
          {"random_encoder_knn_top1", random.top1},
          {"pixel_knn_top1", pixels.top1}};
}

}  // namespace

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
    const std::string dir = resuming ? cmd.resume_dir : cmd.out_dir;
    const std::string checkpoint = (fs::path(dir) / kCheckpointFile).string();
    Config config;
    if (resuming) {
      if (!cmd.config_path.empty() || !cmd.sets.empty())
        throw std::invalid_argument("--resume continues a run as it was saved: --config and --set cannot be combined with it");
      config = read_checkpoint_config(checkpoint);
    } else {
      config = resolve_config(cmd);
      if (fs::exists(checkpoint))
        throw std::invalid_argument("'" + dir + "' already holds a run; continue it with --resume " + dir +
                                    " or choose another --out");
      fs::create_directories(dir);
    }
    auto dataset = std::make_shared<const ImageDataset>(load_dataset(config.data));
    Trainer trainer(config, dataset);
    if (resuming) trainer.load_checkpoint(checkpoint);
    if (auto warning = trainer.queue_warning()) std::cerr << "warning: " << *warning << std::endl;
    if (!resuming) write_file_atomically((fs::path(dir) / "config.json").string(), to_json(trainer.config()) + "\n");

    LoopOptions loop;
    loop.stop_at_step = cmd.steps > 0    ? cmd.steps
                        : (resuming && cmd.epochs > 0) ? cmd.epochs * trainer.steps_per_epoch()
                                                       : trainer.schedule_steps();
    loop.checkpoint_every = config.run.checkpoint_every;
    loop.checkpoint_path = checkpoint;
    MetricsLog log(dir, trainer.steps_done());
    if (!cmd.quiet)
      std::cerr << "moco-train: " << dataset->name << " (" << dataset->train.size() << " train images), "
                << config.model.encoder << "/" << config.model.head << ", K " << config.moco.queue_size << ", batch "
                << config.optim.batch_size << ", steps " << trainer.steps_done() << " -> " << loop.stop_at_step
                << " on " << describe_device(trainer.device()) << std::endl;

    EvalOptions eval;
    eval.knn.bank_size = cmd.eval_bank;
    eval.knn.test_size = cmd.eval_test;
    auto run_eval = [&] {
      const auto report = evaluate(trainer, eval);
      log.append_json(to_json_line(report));
      if (!cmd.quiet)
        std::fprintf(stderr, "\neval at step %lld: kNN %.2f%%  probe %.2f%%  consistency %.4f  (%.1f s)\n",
                     (long long)report.step, 100 * report.knn.top1, 100 * report.probe.top1,
                     report.consistency.mean_cosine, report.seconds);
    };
    if (cmd.eval_every > 0 && !resuming) {
      KnnOptions floors_knn = eval.knn;
      log.append_json(to_json_line(knn_floors(trainer.config(), *dataset, floors_knn), 0));
    }

    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    ProgressBar bar(trainer.steps_done(), loop.stop_at_step, stderr);
    const auto start = std::chrono::steady_clock::now();
    LoopEnd end;
    try {
      end = run_training(trainer, loop, [&](const StepMetrics& m) {
        log.append(m);
        if (!cmd.quiet) bar.update(m.step, m.loss, m.images_per_second);
        if (cmd.eval_every > 0 && (m.step % cmd.eval_every == 0 || m.step == loop.stop_at_step)) run_eval();
      }, g_stop);
    } catch (const NonFiniteLossError& e) {
      bar.finish();
      std::cerr << "moco-train: " << e.what() << std::endl;
      return 3;
    }
    if (!cmd.quiet) bar.finish();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    trainer.save_checkpoint(checkpoint);
    export_state_dict(*trainer.model().query, (fs::path(dir) / kEncoderFile).string());
    if (end == LoopEnd::Stopped) std::cerr << "moco-train: interrupted; saved step " << trainer.steps_done() << " to " << checkpoint << std::endl;
    else if (!cmd.quiet) std::cerr << "moco-train: " << trainer.steps_done() << " steps in " << format_duration(seconds) << ", saved " << checkpoint << std::endl;
    if (cmd.knn && end == LoopEnd::Finished) {
      auto result = evaluate_knn(trainer);
      result["train_seconds"] = seconds;
      write_file_atomically((fs::path(dir) / "eval.json").string(), result.dump(2) + "\n");
      std::cout << result.dump(2) << std::endl;
    }
    return end == LoopEnd::Stopped ? 130 : 0;
  });
}

}  // namespace moco
