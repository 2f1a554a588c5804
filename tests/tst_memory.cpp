// The memory estimate (api/memory.h) against hand computations and published parameter counts, and
// validation refusing a configuration that cannot fit this machine, with the figures. Torch-free.
#include <QtTest/QtTest>

#include "api/config.h"
#include "api/memory.h"
#include "tiny_config.h"

using namespace moco;

namespace {

// The tests' tiny run (tests/tiny_config.h) with v2's 128-dimensional features, which the figures
// below are computed for.
Config tiny() {
  Config c = test::tiny_config();
  c.model.feature_dim = preset_v2().model.feature_dim;
  return c;
}

bool near(double got, double expected, double tolerance) { return std::abs(got - expected) <= tolerance * expected; }

}  // namespace

class TestMemory : public QObject {
  Q_OBJECT

 private slots:
  void parameterCountsMatchThePublishedOnes() {
    // torchvision's resnet18 has 11 689 512 parameters; without its fc (512 x 1000 + 1000) and with
    // the CIFAR stem (3x3x3x64 instead of 7x7x3x64): 11 168 832. MoCo v2's MLP head on 512 features
    // to 128 adds 512 x 512 + 512 + 512 x 128 + 128.
    ModelConfig resnet;
    resnet.encoder = EncoderArch::Resnet18Cifar;
    resnet.head = HeadType::Mlp;
    resnet.feature_dim = 128;
    QCOMPARE(encoder_parameter_count(resnet, 3), int64_t(11689512 - 513000 - 7 * 7 * 3 * 64 + 3 * 3 * 3 * 64 + 328320));
    // The small CNN of width 8 on grey images, by hand: 3x3 convolutions without bias 1→8→16→32→64,
    // BN weight and bias each, MLP 64→64→128.
    ModelConfig small;
    small.width = 8;
    const int64_t convs = 9 * (1 * 8 + 8 * 16 + 16 * 32 + 32 * 64), bns = 2 * (8 + 16 + 32 + 64);
    QCOMPARE(encoder_parameter_count(small, 1), convs + bns + (64 * 64 + 64) + (64 * 128 + 128));
  }

  void theTinyRunsEstimateIsWithinAHandComputation() {
    const MemoryEstimate e = estimate_memory(tiny());
    // Queue: 64 keys of 128 floats (and a step, sample and batch row per slot).
    QVERIFY2(near(e.negatives, 64 * 128 * 4, 0.10), qPrintable(QString::number(e.negatives)));
    // Dataset: 160 train + 30 test images of 16 x 16 bytes, an int64 label each.
    QVERIFY2(near(e.dataset, 190 * (256 + 8), 0.01), qPrintable(QString::number(e.dataset)));
    // Model: two encoders of 36 984 parameters, gradients and SGD momentum, fp32.
    QVERIFY2(near(e.model, 4 * 36984 * 4, 0.01), qPrintable(QString::number(e.model)));
    // Activations (rough by design): a batch of 16 through layers of 8x16x16, 16x8x8, 32x4x4 and 64x2x2
    // outputs, each kept and its gradient, is 16 x 3840 x 4 x 2 = 480 KiB; views, the key pass and
    // the logits come on top, but not tenfold.
    const double graded = 16.0 * 3840 * 4 * 2;
    QVERIFY2(e.activations >= graded && e.activations <= 3 * graded, qPrintable(QString::number(e.activations)));
    QCOMPARE(e.total(), e.negatives + e.dataset + e.model + e.activations);
    QVERIFY(e.dataset_known);
  }

  void theQueueScalesWithK() {
    Config c = tiny();
    c.moco.queue_size = 2000000000;
    const MemoryEstimate e = estimate_memory(c);
    // 2e9 keys x 128 floats x 4 bytes: the 1 024 000 000 000 bytes LibTorch was asked for (issue 14).
    QVERIFY2(near(e.negatives, 1.024e12, 0.05), qPrintable(QString::number(e.negatives)));
    // The logits of a batch of 16 against 2e9 keys dwarf everything but the queue.
    QVERIFY(e.activations > int64_t(16) * 2000000000 * 4);
    QCOMPARE(e.largest_field(c), std::string("moco.queue_size"));  // K sets the queue and the logits
  }

  void unknownSizesAreSaidSo() {
    Config c = tiny();
    c.data.dataset = DatasetName::Folder;
    c.data.path = "/photos";
    const MemoryEstimate e = estimate_memory(c);
    QVERIFY(!e.dataset_known);
    QVERIFY2(e.breakdown(c).find("dataset known once read") != std::string::npos, e.breakdown(c).c_str());
  }

  void bytesAreWrittenAsPeopleRead() {
    QCOMPARE(format_bytes(0), std::string("0 B"));
    QCOMPARE(format_bytes(999), std::string("999 B"));
    QCOMPARE(format_bytes(4000), std::string("4.0 kB"));
    QCOMPARE(format_bytes(812000000), std::string("812 MB"));
    QCOMPARE(format_bytes(int64_t(25300000000)), std::string("25.3 GB"));
    QCOMPARE(format_bytes(int64_t(11300000000000)), std::string("11.3 TB"));
  }

  void theRefusalGivesEveryFigure() {
    Config c = tiny();
    c.moco.queue_size = 2000000000;
    const MemoryEstimate e = estimate_memory(c);
    const std::string refusal = memory_refusal(c, e, int64_t(25300000000), "this machine");
    QVERIFY2(refusal.find("would need about " + format_bytes(e.total())) != std::string::npos, refusal.c_str());
    QVERIFY2(refusal.find("(queue 1.1 TB, dataset 50.2 kB, activations ") != std::string::npos, refusal.c_str());
    QVERIFY2(refusal.find("but this machine has 25.3 GB") != std::string::npos, refusal.c_str());
    QVERIFY(memory_refusal(tiny(), estimate_memory(tiny()), int64_t(25300000000), "this machine").empty());
  }

  void validationRefusesWhatCannotFitThisMachine() {
    const auto ram = machine_memory_bytes();
    if (!ram) QSKIP("this machine's memory is unknown (no /proc/meminfo)");
    QVERIFY(validate(tiny()).empty());
    Config c = tiny();
    c.moco.queue_size = 2000000000;
    const auto issues = validate(c);
    QCOMPARE(int(issues.size()), 1);
    QCOMPARE(issues[0].field, std::string("moco.queue_size"));
    QVERIFY2(issues[0].message.find("queue 1.1 TB") != std::string::npos, issues[0].message.c_str());
    QVERIFY2(issues[0].message.find("but this machine has " + format_bytes(*ram)) != std::string::npos, issues[0].message.c_str());
    // Every preset fits a machine of 8 GB (CI machines, laptops), Fashion-MNIST in RAM included.
    for (const auto& name : preset_names())
      QVERIFY2(estimate_memory(preset_by_name(name)).total() < int64_t(8000000000), name.c_str());
  }
};

QTEST_GUILESS_MAIN(TestMemory)
#include "tst_memory.moc"
