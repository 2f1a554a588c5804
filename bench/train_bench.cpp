// Times our MoCo engine the way bench/python/moco_reference.py times the Python reference, and
// prints one JSON object with the same fields.
//   e2e:     Trainer::step (batched augmentation on the device + the MoCo step)
//   engine:  the MoCo step alone, on two fixed pre-augmented views reused every step
//   augment: the augmentation alone (two views per step); also counts the operators it calls per
//            view (top level, views excluded: about the kernel launches on a GPU). --masked runs
//            the GPU's implementation (whole-batch masked operations) on the CPU.
//   knn:     one kNN monitor pass (features of --knn-bank training and --knn-test test images)
#include <ATen/record_function.h>
#include <sys/resource.h>

#include <atomic>
#include <set>
#include <string>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/analysis.h"
#include "api/fields.h"
#include "api/files.h"
#include "api/memory.h"
#include "data/dataset.h"
#include "runtime/device.h"
#include "runtime/rng.h"
#include "runtime/sync_counter.h"
#include "train/trainer.h"
#include "train/training_loop.h"

#include "resident_memory.h"

namespace {
// Operators our code calls directly (not those they call inside), less the views, which launch no
// kernel: roughly the kernel launches the same code makes on a GPU. Counted on the calling thread
// only (a thread-local callback): intra-op worker threads would otherwise add their inner calls.
std::atomic<int64_t> operator_calls{0};
thread_local int depth = 0;
bool is_view(const char* name) {
  static const std::set<std::string> views = {"aten::select", "aten::view", "aten::narrow", "aten::slice",
                                              "aten::as_strided", "aten::expand", "aten::unsqueeze", "aten::squeeze",
                                              "aten::permute", "aten::transpose", "aten::t", "aten::alias",
                                              "aten::detach", "aten::resolve_conj", "aten::resolve_neg",
                                              "aten::reshape", "aten::view_as", "aten::expand_as"};
  return views.count(name) > 0;
}
std::unique_ptr<at::ObserverContext> enter_call(const at::RecordFunction& fn) {
  if (depth++ == 0 && !is_view(fn.name())) ++operator_calls;
  return nullptr;
}
void leave_call(const at::RecordFunction&, at::ObserverContext*) { --depth; }
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"MoCo engine throughput benchmark", "train_bench"};
  std::string mode = "e2e", preset = "v2", json_out;
  std::vector<std::string> sets;
  int64_t steps = 20, warmup = 5;
  app.add_option("--mode", mode)->check(CLI::IsMember({"e2e", "engine", "augment", "knn"}));
  int64_t knn_bank = 10000, knn_test = 10000;
  app.add_option("--knn-bank", knn_bank);
  app.add_option("--knn-test", knn_test);
  app.add_option("--preset", preset)->check(CLI::IsMember({"v1", "v2"}));
  app.add_option("--set", sets, "key=value overrides, as moco-train");
  app.add_option("--steps", steps)->check(CLI::PositiveNumber);
  app.add_option("--warmup", warmup);
  app.add_option("--json-out", json_out);
  bool masked = false;
  app.add_flag("--masked", masked, "Augment with the masked (GPU) implementation even on the CPU");
  std::string deferred = "auto";
  app.add_option("--deferred-metrics", deferred, "Read each step's metrics a step late: auto (on CUDA), on or off")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  CLI11_PARSE(app, argc, argv);
  const double rss_before_mib = moco::bench::resident_mib();  // the program and its libraries, before any data
  try {
    moco::Config config = moco::preset_by_name(preset);
    config.run.total_steps = warmup + steps;  // the cosine spans the benchmark, as the reference's
    moco::apply_overrides(config, sets);
    moco::require_data_path_used(config, sets);
    auto dataset = moco::load_dataset_shared(config.data);
    moco::TrainerOptions options;
    if (deferred != "auto") options.deferred_metrics = deferred == "on";
    moco::Trainer trainer(config, dataset, options);
    auto sync = [&] {
      if (trainer.device().is_cuda()) torch::cuda::synchronize();
    };
    if (mode == "knn") {
      moco::KnnOptions o;
      o.bank_size = knn_bank;
      o.test_size = knn_test;
      moco::knn_monitor(trainer, o);  // warm-up
      const auto r = moco::knn_monitor(trainer, o);
      nlohmann::json out = {{"implementation", "moco-workbench"}, {"variant", "knn"}, {"bank", knn_bank},
                            {"test", knn_test}, {"seconds", r.seconds}, {"top1", r.top1},
                            {"threads", torch::get_num_threads()}, {"device", moco::describe_device(trainer.device())}};
      std::cout << out.dump() << std::endl;
      if (!json_out.empty()) moco::write_file(json_out, out.dump(2) + "\n");
      return 0;
    }
    if (masked) trainer.set_masked_augmentation(true);
    const auto fixed = trainer.next_views();
    std::vector<double> losses;
    auto run = [&](int64_t n) {
      if (mode == "e2e") {  // the loop moco-train and the workbench run, without a run folder
        moco::LoopHooks hooks;
        hooks.after_step = [&](const moco::StepMetrics& m) { losses.push_back(m.loss); };
        const auto result = moco::run_training(trainer, {trainer.steps_done() + n, 0}, hooks, nullptr);
        if (result.end != moco::LoopEnd::Finished) throw std::runtime_error(result.message);
      } else {
        for (int64_t i = 0; i < n; ++i) {
          if (mode == "engine") trainer.advance_on_views(fixed);
          else trainer.next_views();
        }
        trainer.settle();
        for (const auto& m : trainer.take_metrics()) losses.push_back(m.loss);
      }
      sync();
    };
    // The last few warm-up steps count the calls that make the host wait for the device (item(),
    // blocking copies to the host ...): outside the timing, whose callback would slow it.
    const int64_t counted = mode == "augment" || mode == "knn" ? 0 : std::min<int64_t>(warmup, 3);
    run(warmup - counted);
    double syncs_per_step = -1;  // not measured
    if (counted > 0) {
      moco::SyncCounter counter;
      run(counted);
      syncs_per_step = double(counter.count()) / double(counted);
    }
    losses.clear();
    int64_t ops_per_view = -1;
    if (mode == "augment") {  // one counted view outside the timing: the callback costs time
      auto gen = moco::make_generator(config.run.seed, moco::RngStream::AugmentQuery, 0);
      const auto params = trainer.augmenter().sample(config.optim.batch_size, gen);  // on the CPU anyway
      const auto images = dataset->train.images.narrow(0, 0, config.optim.batch_size).to(trainer.device());
      auto handle = at::addThreadLocalCallback(at::RecordFunctionCallback(enter_call, leave_call).scopes({at::RecordScope::FUNCTION}));
      trainer.augmenter().apply(images, params);
      sync();
      at::removeCallback(handle);
      ops_per_view = operator_calls;
    }
    const auto start = std::chrono::steady_clock::now();
    run(steps);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    double last10 = 0;
    const size_t tail = std::min<size_t>(10, losses.size());
    for (size_t i = losses.size() - tail; i < losses.size(); ++i) last10 += losses[i] / double(tail);
    const int64_t batch = config.optim.batch_size;
    const moco::MemoryEstimate estimate = moco::estimate_memory(config);
    nlohmann::json out = {{"implementation", "moco-workbench"},
                          {"variant", mode},
                          {"preset", preset},
                          {"encoder", moco::to_string(config.model.encoder)},
                          {"device", moco::describe_device(trainer.device())},
                          {"steps", steps},
                          {"warmup", warmup},
                          {"batch", batch},
                          {"K", config.moco.queue_size},
                          {"threads", torch::get_num_threads()},
                          {"seconds", seconds},
                          {"images_per_second", 2.0 * double(batch * steps) / seconds},
                          {"seconds_per_1000_steps", seconds / double(steps) * 1000.0},
                          {"peak_rss_self_mib", double(usage.ru_maxrss) / 1024.0},
                          // What validation's estimate says the run needs, against what it took:
                          // the peak less the program and its libraries.
                          {"peak_rss_above_start_mib", double(usage.ru_maxrss) / 1024.0 - rss_before_mib},
                          {"estimated_mib", double(estimate.total()) / (1024.0 * 1024.0)},
                          {"estimated_activations_mib", double(estimate.activations) / (1024.0 * 1024.0)},
                          {"loss_last10_mean", mode == "augment" ? 0.0 : last10},
                          {"augmentation", masked ? "masked" : "auto"},
                          {"aten_ops_per_view", ops_per_view},
                          {"deferred_metrics", trainer.deferred_metrics()},
                          {"precision", moco::to_string(trainer.model().precision())},
                          {"channels_last", trainer.model().channels_last()},
                          {"syncs_per_step", syncs_per_step}};
    std::cout << out.dump() << std::endl;
    if (!json_out.empty()) moco::write_file(json_out, out.dump(2) + "\n");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "train_bench: " << e.what() << std::endl;
    return 2;
  }
}
