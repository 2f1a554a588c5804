// A short real run learns: the loss falls below its level once the queue is full, and the
// training loop reports every step and stops when asked.
#include <QtTest/QtTest>

#include "test_support.h"
#include "train/run_writer.h"
#include "train/trainer.h"
#include "train/training_loop.h"

using namespace moco;

class TestTraining : public QObject {
  Q_OBJECT
 private slots:
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
    hooks.before_step = [&] { return ++asked <= 3; };
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
};

QTEST_APPLESS_MAIN(TestTraining)
#include "tst_training.moc"
