// A short real run learns: the loss falls below its level once the queue is full, and the
// training loop reports every step and stops when asked.
#include <QtTest/QtTest>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>
#include <thread>

#include "api/host_allocator.h"
#include "test_support.h"
#include "train/run_writer.h"
#include "train/trainer.h"
#include "train/training_loop.h"

using namespace moco;

namespace {

// Page faults of the calling thread while it allocates, touches and frees `blocks` blocks of 16 MiB,
// as a step does its activations.
long step_like_page_faults(int blocks) {
  auto faults = [] {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return long(usage.ru_minflt);
  };
  constexpr std::size_t kBlock = std::size_t(16) << 20;
  const long before = faults();
  std::vector<void*> held(blocks);
  for (auto& block : held) {
    block = std::malloc(kBlock);
    std::memset(block, 1, kBlock);
  }
  for (auto* block : held) std::free(block);
  return faults() - before;
}

long pages_of(int blocks) { return blocks * (16L << 20) / 4096; }

}  // namespace

class TestTraining : public QObject {
  Q_OBJECT
 private slots:
  // First: a trainer made earlier in this process would already have tuned malloc.
  void aTrainersProcessReusesAStepsFreedMemory() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    QSKIP("a sanitizer's allocator replaces glibc's malloc");
#endif
    // glibc's defaults hand 96 MiB freed back to the kernel (its dynamic trim threshold is at most
    // 64 MiB) and fault it in again the next time.
    step_like_page_faults(6);
    const long untuned = step_like_page_faults(6);
    QVERIFY2(untuned > pages_of(6) / 2, qPrintable(QString("glibc's default refaulted only %1 of %2 pages").arg(untuned).arg(pages_of(6))));

    Trainer trainer(test::tiny_config(), test::tiny_dataset());  // making it is what tunes malloc
    QVERIFY2(tune_host_allocator().applied, tune_host_allocator().reason.c_str());
    step_like_page_faults(6);  // the first time, the heap grows to hold them
    const long main_thread = step_like_page_faults(6);
    // The workbench trains on a worker thread, whose malloc arena is made of 64 MiB heaps that glibc
    // unmaps whenever one empties, whatever the thresholds: 48 MiB fit one (the default trims them).
    long worker_thread = -1;
    std::thread worker([&] {
      step_like_page_faults(3);
      worker_thread = step_like_page_faults(3);
    });
    worker.join();
    QVERIFY2(main_thread < pages_of(6) / 100 && worker_thread < pages_of(3) / 100,
             qPrintable(QString("refaulted %1 of %2 pages (main thread), %3 of %4 (worker)")
                            .arg(main_thread).arg(pages_of(6)).arg(worker_thread).arg(pages_of(3))));
  }

  void lossGoesDownOnARealRun() {
    // MoCo v2 on 1 024 images (Fashion-MNIST when installed, else the synthetic set), ~10 s.
    Config c = preset_v2();
    if (!fashion_mnist_installed()) c.data.synthetic_size = 28;
    c.data.train_limit = 1024;
    c.data.test_limit = 64;
    c.model.width = 16;
    c.moco.queue_size = 256;
    c.moco.bn_splits = 4;
    c.optim.batch_size = 64;
    c.optim.lr = 0.06;
    c.run.epochs = 10;  // 16 steps per epoch
    c.run.device = DeviceChoice::Cpu;
    Trainer trainer(c, std::make_shared<const ImageDataset>(load_dataset(c.data)));
    std::vector<double> losses;
    LoopHooks hooks;
    hooks.after_step = [&](const StepMetrics& m) { losses.push_back(m.loss); };
    QVERIFY(run_training(trainer, {150, 0}, hooks, nullptr).end == LoopEnd::Finished);
    QCOMPARE(int(losses.size()), 150);
    // Once the queue holds only real keys (4 steps), the loss must fall clearly.
    auto mean = [&](int from, int to) { return std::accumulate(losses.begin() + from, losses.begin() + to, 0.0) / (to - from); };
    const double early = mean(5, 20), late = mean(135, 150);
    QVERIFY2(late < early - 0.3, qPrintable(QString("early %1 late %2").arg(early).arg(late)));
    QVERIFY(late < std::log(257.0));
  }

  void loopStopsWhenAsked() {
    Trainer trainer(test::tiny_config(), test::tiny_dataset());
    int asked = 0;
    LoopHooks hooks;
    hooks.before_step = [&](const LoopHooks::Settle&) { return ++asked <= 3; };
    QVERIFY(run_training(trainer, {50, 0}, hooks, nullptr).end == LoopEnd::Stopped);
    QCOMPARE(trainer.steps_done(), int64_t(3));
  }

  void periodicCheckpointsAreWritten() {
    QTemporaryDir dir;
    Trainer trainer(test::tiny_config(), test::tiny_dataset());
    RunWriter writer(RunFolder(dir.filePath("run").toStdString()), trainer);
    bool seen_at_3 = false;
    LoopHooks hooks;
    hooks.after_step = [&](const StepMetrics& m) {
      if (m.step == 3) seen_at_3 = writer.folder().has_checkpoint();  // written after step 2
    };
    QVERIFY(run_training(trainer, {5, 2}, hooks, &writer).end == LoopEnd::Finished);
    QVERIFY(seen_at_3);
    QCOMPARE(read_checkpoint_config(writer.folder().checkpoint()).run.seed, uint64_t(3));
    QCOMPARE(int(writer.folder().read().metrics.size()), 5);
  }

  // A NaN loss ends the loop as Diverged (not an exception), with the model as it was and the
  // last periodic checkpoint untouched.
  void divergenceEndsTheLoopAndKeepsTheCheckpoint() {
    QTemporaryDir dir;
    Trainer trainer(test::tiny_config(), test::tiny_dataset());
    RunWriter writer(RunFolder(dir.filePath("run").toStdString()), trainer);
    LoopHooks hooks;
    hooks.after_step = [&](const StepMetrics& m) {
      if (m.step == 2) trainer.set_temperature(1e-300);  // the logits overflow from step 3 on
    };
    const LoopResult result = run_training(trainer, {10, 2}, hooks, &writer);
    QVERIFY(result.end == LoopEnd::Diverged);
    QVERIFY2(QString::fromStdString(result.message).contains("step 3"), result.message.c_str());
    QCOMPARE(trainer.steps_done(), int64_t(2));
    Trainer resumed(test::tiny_config(), test::tiny_dataset());
    resumed.load_checkpoint(writer.folder().checkpoint());
    QCOMPARE(resumed.steps_done(), int64_t(2));
  }

  // Deferred metrics (read a step late, as on a GPU) write the same run folder as immediate ones:
  // one row per step, in order, equal values, the last step included, and checkpoints at the same
  // steps; pausing through before_step's settle shows every step taken so far.
  void deferredMetricsWriteTheSameRows() {
    QTemporaryDir dir;
    std::vector<std::vector<double>> rows[2];
    for (int deferred = 0; deferred < 2; ++deferred) {
      Trainer trainer(test::tiny_config(), test::tiny_dataset(), {deferred == 1});
      QCOMPARE(trainer.deferred_metrics(), deferred == 1);
      RunWriter writer(RunFolder(dir.filePath(QString("run%1").arg(deferred)).toStdString()), trainer);
      int64_t recorded = 0, settled_before = 0;
      LoopHooks hooks;
      hooks.before_step = [&](const LoopHooks::Settle& settle) {
        bool going_on = true;
        if (trainer.steps_done() == 4) {  // a pause after step 4: its metrics are shown first
          going_on = settle();
          settled_before = recorded;
        }
        return going_on;
      };
      hooks.after_step = [&](const StepMetrics& m) { QCOMPARE(m.step, ++recorded); };
      QVERIFY(run_training(trainer, {7, 3}, hooks, &writer).end == LoopEnd::Finished);
      QCOMPARE(settled_before, int64_t(4));
      QCOMPARE(trainer.steps_pending(), int64_t(0));
      for (const auto& m : writer.folder().read().metrics) {
        auto values = metric_values(m);
        values.resize(values.size() - 2);  // step_seconds and images_per_second are timings
        rows[deferred].push_back(values);
      }
    }
    QCOMPARE(int(rows[0].size()), 7);
    QVERIFY(rows[0] == rows[1]);
  }

  // A NaN found a step late still leaves everything as it was before the bad step — parameters, BN
  // statistics, queue, SGD momentum, step count — and training then goes on exactly like a twin
  // that never saw it (which reads its metrics at once).
  void deferredNonFiniteStepIsUndoneExactly() {
    Trainer t(test::tiny_config(), test::tiny_dataset(), {true}), twin(test::tiny_config(), test::tiny_dataset());
    QVERIFY(!twin.deferred_metrics());
    QCOMPARE(t.step().loss, twin.step().loss);
    auto state = [](Trainer& trainer) {
      std::vector<torch::Tensor> tensors;
      for (auto* encoder : {&trainer.model().query, &trainer.model().key}) {
        for (const auto& p : (*encoder)->parameters()) tensors.push_back(p.detach().clone());
        for (const auto& b : (*encoder)->buffers()) tensors.push_back(b.clone());
      }
      const auto& q = trainer.model().queue;
      for (const auto& x : {q.keys(), q.written_at(), q.sample_ids(), q.batch_rows()}) tensors.push_back(x.clone());
      return tensors;
    };
    const auto before = state(t);
    const double tau = t.config().moco.temperature;
    t.set_temperature(1e-300);  // step 2's logits overflow
    t.advance();                // applied: NaN gradients reach the weights; not read yet
    QCOMPARE(t.steps_done(), int64_t(2));
    QVERIFY(!torch::equal(state(t).front(), before.front()));
    try {
      t.advance();  // step 3 is queued on the broken weights, then step 2 is read
      QFAIL("expected NonFiniteLossError");
    } catch (const NonFiniteLossError& e) {
      QVERIFY2(QString(e.what()).contains("at step 2"), e.what());
    }
    QCOMPARE(t.steps_done(), int64_t(1));
    QCOMPARE(t.steps_pending(), int64_t(0));
    const auto after = state(t);
    QCOMPARE(after.size(), before.size());
    for (size_t i = 0; i < before.size(); ++i) QVERIFY2(torch::equal(before[i], after[i]), qPrintable(QString::number(i)));
    QCOMPARE(t.model().queue.pointer(), twin.model().queue.pointer());
    // The SGD momentum buffers too: the next steps match the twin's bit for bit.
    t.set_temperature(tau);
    for (int i = 0; i < 2; ++i) QCOMPARE(t.step().loss, twin.step().loss);
  }

  // In the loop: a deferred run diverges as an immediate one does, with the rows before the bad step.
  void deferredDivergenceEndsTheLoop() {
    QTemporaryDir dir;
    Trainer trainer(test::tiny_config(), test::tiny_dataset(), {true});
    RunWriter writer(RunFolder(dir.filePath("run").toStdString()), trainer);
    LoopHooks hooks;
    hooks.after_step = [&](const StepMetrics& m) {
      if (m.step == 2) trainer.set_temperature(1e-300);  // step 2 is a checkpoint step: read at once
    };
    const LoopResult result = run_training(trainer, {10, 2}, hooks, &writer);
    QVERIFY(result.end == LoopEnd::Diverged);
    QVERIFY2(QString::fromStdString(result.message).contains("step 3"), result.message.c_str());
    QCOMPARE(trainer.steps_done(), int64_t(2));
    QCOMPARE(int(writer.folder().read().metrics.size()), 2);
  }
};

QTEST_APPLESS_MAIN(TestTraining)
#include "tst_training.moc"
