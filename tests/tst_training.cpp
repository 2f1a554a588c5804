// A short real run learns: the loss falls below its level once the queue is full, and the
// training loop reports every step and stops when asked.
#include <QtTest/QtTest>

#include "test_support.h"
#include "trainer.h"
#include "training_loop.h"

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
    c.run.device = "cpu";
    Trainer trainer(c, std::make_shared<const ImageDataset>(load_dataset(c.data)));
    std::vector<double> losses;
    std::atomic<bool> stop{false};
    LoopOptions options;
    options.stop_at_step = 150;
    run_training(trainer, options, [&](const StepMetrics& m) { losses.push_back(m.loss); }, stop);
    QCOMPARE(int(losses.size()), 150);
    // Once the queue holds only real keys (4 steps), the loss must fall clearly.
    auto mean = [&](int from, int to) { return std::accumulate(losses.begin() + from, losses.begin() + to, 0.0) / (to - from); };
    const double early = mean(5, 20), late = mean(135, 150);
    QVERIFY2(late < early - 0.3, qPrintable(QString("early %1 late %2").arg(early).arg(late)));
    QVERIFY(late < std::log(257.0));
  }

  void loopStopsWhenAsked() {
    Trainer trainer(test::tiny_config(), test::tiny_dataset());
    std::atomic<bool> stop{false};
    LoopOptions options;
    options.stop_at_step = 50;
    int seen = 0;
    const auto end = run_training(trainer, options, [&](const StepMetrics&) {
      if (++seen == 3) stop = true;
    }, stop);
    QVERIFY(end == LoopEnd::Stopped);
    QCOMPARE(trainer.steps_done(), int64_t(3));
  }

  void periodicCheckpointsAreWritten() {
    QTemporaryDir dir;
    Trainer trainer(test::tiny_config(), test::tiny_dataset());
    std::atomic<bool> stop{false};
    LoopOptions options;
    options.stop_at_step = 5;
    options.checkpoint_every = 2;
    options.checkpoint_path = dir.filePath("c.pt").toStdString();
    run_training(trainer, options, nullptr, stop);
    QCOMPARE(read_checkpoint_config(options.checkpoint_path).run.seed, uint64_t(3));
  }
};

QTEST_APPLESS_MAIN(TestTraining)
#include "tst_training.moc"
