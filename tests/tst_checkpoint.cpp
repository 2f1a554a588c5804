// Checkpoints: resuming continues exactly as if uninterrupted; bad files are named; saving is
// atomic; NaN loss stops without touching the last checkpoint; export loads as a state dict.
#include <QDir>
#include <QtTest/QtTest>
#include <fstream>

#include "api/files.h"
#include "model/export.h"
#include "test_support.h"
#include "train/trainer.h"

using namespace moco;

namespace {
std::string read_all(const QString& path) {
  std::ifstream in(path.toStdString(), std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

class TestCheckpoint : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void resumeContinuesExactly() {
    const auto data = test::tiny_dataset();
    Config c = test::tiny_config();
    c.run.epochs = 1;  // 10 steps per epoch: steps 6..8 cross into the second epoch's data order
    Trainer uninterrupted(c, data);
    std::vector<double> expected;
    for (int i = 0; i < 14; ++i) expected.push_back(uninterrupted.step().loss);

    const std::string path = dir_.filePath("resume.pt").toStdString();
    {
      Trainer first(c, data);
      for (int i = 0; i < 8; ++i) QCOMPARE(first.step().loss, expected[i]);
      first.set_temperature(first.config().moco.temperature);  // a pending (no-op) live change is saved too
      first.save_checkpoint(path);
    }
    QCOMPARE(read_checkpoint_config(path).moco.queue_size, int64_t(64));
    Trainer resumed(c, data);
    resumed.load_checkpoint(path);
    QCOMPARE(resumed.steps_done(), int64_t(8));
    for (int i = 8; i < 14; ++i) QCOMPARE(resumed.step().loss, expected[i]);
  }

  void liveChangesSurviveACheckpoint() {
    const auto data = test::tiny_dataset();
    Trainer a(test::tiny_config(), data);
    a.set_momentum(0.9);
    a.step();
    const std::string path = dir_.filePath("live.pt").toStdString();
    a.save_checkpoint(path);
    Trainer b(test::tiny_config(), data);
    b.load_checkpoint(path);
    QCOMPARE(b.step().momentum, 0.9);
  }

  void badCheckpointsAreNamed() {
    Trainer t(test::tiny_config(), test::tiny_dataset());
    const QString garbage = dir_.filePath("garbage.pt");
    std::ofstream(garbage.toStdString()) << "not a checkpoint";
    for (const QString& path : {garbage, dir_.filePath("missing.pt")}) {
      try {
        t.load_checkpoint(path.toStdString());
        QFAIL("expected an error");
      } catch (const std::runtime_error& e) {
        QVERIFY2(QString(e.what()).contains(path), e.what());
      }
    }
    // A checkpoint of another architecture does not load silently.
    Config other = test::tiny_config();
    other.model.width = 4;
    Trainer small(other, test::tiny_dataset());
    const std::string path = dir_.filePath("other.pt").toStdString();
    small.save_checkpoint(path);
    QVERIFY_EXCEPTION_THROWN(t.load_checkpoint(path), std::runtime_error);
  }

  void failedWriteLeavesTheOldFile() {
    const QString path = dir_.filePath("kept.bin");
    write_file(path.toStdString(), "old contents");
    QVERIFY_EXCEPTION_THROWN(write_file_via(path.toStdString(),
                                              [](const std::string& temp) {
                                                std::ofstream(temp) << "half written";
                                                throw std::runtime_error("No space left on device");
                                              }),
                             std::runtime_error);
    QCOMPARE(read_all(path), std::string("old contents"));
    QCOMPARE(QDir(dir_.path()).entryList({"kept.bin.tmp*"}, QDir::Files), QStringList());  // no temporary left
    QVERIFY_EXCEPTION_THROWN(write_file("/nonexistent-dir/x.bin", "data"), std::runtime_error);
  }

  void nonFiniteLossStopsAndKeepsTheCheckpoint() {
    Config c = test::tiny_config();
    Trainer t(c, test::tiny_dataset());
    t.step();
    const std::string path = dir_.filePath("good.pt").toStdString();
    t.save_checkpoint(path);
    const std::string before = read_all(QString::fromStdString(path));
    t.set_temperature(1e-300);  // logits overflow to infinity
    try {
      t.step();
      QFAIL("expected NonFiniteLossError");
    } catch (const NonFiniteLossError& e) {
      QVERIFY2(QString(e.what()).contains("step 2"), e.what());
    }
    QCOMPARE(t.steps_done(), int64_t(1));
    QCOMPARE(read_all(QString::fromStdString(path)), before);
    Trainer back(c, test::tiny_dataset());
    back.load_checkpoint(path);
    QVERIFY(std::isfinite(back.step().loss));
  }

  // trainer.h promises a non-finite step leaves the model as it was: the momentum update and the BN
  // statistics of both forward passes run before the loss is known, so they must be undone.
  void nonFiniteStepLeavesTheModelBitEqual() {
    Config c = test::tiny_config();
    Trainer t(c, test::tiny_dataset()), twin(c, test::tiny_dataset());
    t.step();
    twin.step();
    auto state = [](Trainer& trainer) {
      std::vector<torch::Tensor> tensors;
      for (auto* encoder : {&trainer.model().query, &trainer.model().key}) {
        for (const auto& p : (*encoder)->parameters()) tensors.push_back(p.detach().clone());
        for (const auto& b : (*encoder)->buffers()) tensors.push_back(b.clone());
      }
      tensors.push_back(trainer.model().queue.keys().clone());
      return tensors;
    };
    const auto before = state(t);
    const double tau = c.moco.temperature;
    t.set_temperature(1e-300);
    QVERIFY_EXCEPTION_THROWN(t.step(), NonFiniteLossError);
    const auto after = state(t);
    QCOMPARE(after.size(), before.size());
    for (size_t i = 0; i < before.size(); ++i) QVERIFY2(torch::equal(before[i], after[i]), qPrintable(QString::number(i)));
    QCOMPARE(t.model().queue.pointer(), twin.model().queue.pointer());
    // And training goes on exactly as if the failed step had never been tried.
    t.set_temperature(tau);
    QCOMPARE(t.step().loss, twin.step().loss);
  }

  void exportedStateDictLoadsWithTorchNames() {
    Config c = test::tiny_config();
    c.model.encoder = EncoderArch::Resnet18Cifar;
    c.model.head = HeadType::Mlp;
    Trainer t(c, test::tiny_dataset());
    const std::string path = dir_.filePath("encoder.pth").toStdString();
    export_state_dict(*t.model().query, path);
    const std::string bytes = read_all(QString::fromStdString(path));
    auto value = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
    QVERIFY(value.isGenericDict());
    auto dict = value.toGenericDict();
    for (const char* key : {"conv1.weight", "bn1.running_mean", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight",
                            "layer4.1.bn2.num_batches_tracked", "fc.0.weight", "fc.2.bias"})
      QVERIFY2(dict.contains(key), key);
    QVERIFY(torch::equal(dict.at("fc.2.bias").toTensor(), t.model().query->named_parameters()["fc.2.bias"]));
    QCOMPARE(dict.at("fc.2.weight").toTensor().size(0), int64_t(16));
  }
};

QTEST_APPLESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"
