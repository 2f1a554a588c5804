// The three ways to get negatives (moco.mechanism): NT-Xent and InfoNCE against direct
// computations, the memory bank's update rule and sampling, a few training steps of each, exact
// resume of a memory-bank run, the simclr preset and the field's JSON.
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

#include "api/analysis.h"
#include "api/fields.h"
#include "model/contrastive_loss.h"
#include "model/memory_bank.h"
#include "runtime/rng.h"
#include "test_support.h"
#include "train/trainer.h"

using namespace moco;

namespace {

torch::Tensor unit_rows(torch::Tensor t) { return t / t.norm(2, 1, true); }

Config tiny_with(Mechanism mechanism) {
  Config c = test::tiny_config();
  c.moco.mechanism = mechanism;
  return c;
}

}  // namespace

class TestMechanisms : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void ntXentMatchesADirectComputation() {
    auto gen = make_generator(1, RngStream::QueueInit, 0);
    auto z1 = unit_rows(torch::randn({4, 3}, gen).to(torch::kFloat64));
    auto z2 = unit_rows(torch::randn({4, 3}, gen).to(torch::kFloat64));
    const double tau = 0.5;
    const int n = 4, views = 2 * n;
    auto z = torch::cat({z1, z2});
    double expected = 0;
    for (int i = 0; i < views; ++i) {
      const int partner = (i + n) % views;
      double denominator = 0;
      for (int j = 0; j < views; ++j)
        if (j != i) denominator += std::exp((z[i] * z[j]).sum().item<double>() / tau);
      expected += -std::log(std::exp((z[i] * z[partner]).sum().item<double>() / tau) / denominator) / views;
    }
    const auto logits = nt_xent_logits(z1, z2, tau);
    QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{views, 1 + views - 2}));
    QVERIFY(std::abs(infonce_loss(logits).item<double>() - expected) < 1e-12);
    // Column 0 is the partner view.
    QVERIFY(std::abs(logits[5][0].item<double>() - (z[5] * z[1]).sum().item<double>() / tau) < 1e-12);
  }

  void infonceWithAQueueIsUnchanged() {
    // By hand, as tst_engine checks it; and the memory bank's form is the same InfoNCE.
    auto gen = make_generator(2, RngStream::QueueInit, 0);
    auto q = unit_rows(torch::randn({3, 4}, gen).to(torch::kFloat64));
    auto k = unit_rows(torch::randn({3, 4}, gen).to(torch::kFloat64));
    auto queue = unit_rows(torch::randn({5, 4}, gen).to(torch::kFloat64)).t();
    const double tau = 0.2;
    double expected = 0;
    for (int i = 0; i < 3; ++i) {
      double denominator = 0;
      const double positive = std::exp((q[i] * k[i]).sum().item<double>() / tau);
      denominator += positive;
      for (int j = 0; j < 5; ++j) denominator += std::exp((q[i] * queue.select(1, j)).sum().item<double>() / tau);
      expected += -std::log(positive / denominator) / 3.0;
    }
    const auto logits = infonce_logits(q, k, queue, tau);
    QVERIFY(std::abs(infonce_loss(logits).item<double>() - expected) < 1e-12);
    // A bank holding the keys (rows 0-2) and the queue (rows 3-7), every query drawing all of the
    // queue as its negatives: the same logits.
    auto bank = torch::cat({k, queue.t()});
    auto positives = torch::arange(3, torch::kInt64);
    auto negatives = torch::arange(3, 8, torch::kInt64).unsqueeze(0).expand({3, 5}).contiguous();
    QVERIFY(torch::allclose(bank_infonce_logits(q, bank, positives, negatives, tau), logits, 0, 1e-12));
  }

  void memoryBankUpdateRule() {
    auto gen = make_generator(3, RngStream::BankInit, 0);
    MemoryBank bank(10, 3, gen, torch::kCPU);
    const auto before = bank.features().clone();
    QVERIFY(torch::allclose(before.norm(2, 1), torch::ones({10})));
    auto ids = torch::tensor({2, 5}, torch::kInt64);
    auto q = unit_rows(torch::randn({2, 3}, gen));
    bank.update(ids, q, 7);
    for (int r = 0; r < 2; ++r) {
      const int64_t id = ids[r].item<int64_t>();
      auto mixed = 0.5 * before[id] + 0.5 * q[r];
      QVERIFY(torch::allclose(bank.features()[id], mixed / mixed.norm(), 1e-6, 1e-6));
      QCOMPARE(bank.written_at()[id].item<int64_t>(), int64_t(7));
    }
    for (int64_t id : {0, 1, 3, 4, 6, 7, 8, 9}) {
      QVERIFY(torch::equal(bank.features()[id], before[id]));
      QCOMPARE(bank.written_at()[id].item<int64_t>(), int64_t(-1));
    }
    QCOMPARE(bank.fill_fraction(), 0.2);
    QCOMPARE(bank.age_stats(9), std::make_pair(2.0, 2.0));
  }

  void sampledNegativesNeverIncludeTheOwnEntry() {
    auto init = make_generator(4, RngStream::BankInit, 0);
    MemoryBank bank(6, 2, init, torch::kCPU);
    auto ids = torch::arange(6, torch::kInt64);
    auto gen = make_generator(4, RngStream::BankSample, 0);
    const int64_t draws = 3000;
    auto drawn = bank.sample_negatives(ids, draws, gen);
    QCOMPARE(drawn.sizes().vec(), (std::vector<int64_t>{6, draws}));
    for (int64_t row = 0; row < 6; ++row) {
      auto counts = torch::bincount(drawn[row], c10::nullopt, 6);
      QCOMPARE(counts[row].item<int64_t>(), int64_t(0));
      // Uniform over the five others: 600 each, give or take a few standard deviations (~22).
      for (int64_t other = 0; other < 6; ++other)
        if (other != row) QVERIFY2(std::abs(counts[other].item<int64_t>() - draws / 5) < 120, qPrintable(QString::number(counts[other].item<int64_t>())));
    }
  }

  void eachMechanismTrains_data() {
    QTest::addColumn<int>("mechanism");
    QTest::newRow("queue") << int(Mechanism::Queue);
    QTest::newRow("end_to_end") << int(Mechanism::EndToEnd);
    QTest::newRow("memory_bank") << int(Mechanism::MemoryBank);
  }

  void eachMechanismTrains() {
    QFETCH(int, mechanism);
    const Config c = tiny_with(Mechanism(mechanism));
    Trainer t(c, test::tiny_dataset());
    std::vector<StepMetrics> steps;
    for (int i = 0; i < 12; ++i) steps.push_back(t.step());
    const int64_t negatives = Mechanism(mechanism) == Mechanism::EndToEnd ? 2 * 16 - 2 : 64;
    for (const auto& m : steps) {
      QVERIFY(std::isfinite(m.loss));
      QVERIFY2(m.loss > 0 && m.loss < 2.0 * m.chance_loss, qPrintable(QString::number(m.loss)));
      QCOMPARE(m.chance_loss, std::log(double(negatives) + 1.0));
    }
    // Sane: the last steps are not worse than the first (the queue's may rise while it fills).
    if (Mechanism(mechanism) != Mechanism::Queue) QVERIFY(steps.back().loss < steps.front().loss * 1.1);
    const auto& last = steps.back();
    switch (Mechanism(mechanism)) {
      case Mechanism::Queue: QVERIFY(last.key_drift > 0); break;
      case Mechanism::EndToEnd:
        QCOMPARE(last.queue_fill, 1.0);
        QCOMPARE(last.queue_age_max, 0.0);
        QCOMPARE(last.key_drift, 0.0);
        QVERIFY(t.memory_bank() == nullptr);
        break;
      case Mechanism::MemoryBank: {
        // 160 images, batch 16: 12 steps wrote 160 + 32 entries, all of them at least once.
        QCOMPARE(last.queue_fill, 1.0);
        QVERIFY(last.queue_age_max >= 1 && last.queue_age_max <= 11);
        QVERIFY(t.memory_bank() != nullptr);
        // The slot ages the window's histogram shows are the bank's 160 entries, not the unused
        // queue's K slots; they agree with the logged maximum.
        int64_t at = 0;
        const auto ages = queue_slot_ages(t, &at);
        QCOMPARE(int64_t(ages.size()), t.memory_bank()->size());
        QCOMPARE(at, int64_t(12));
        QCOMPARE(double(*std::max_element(ages.begin(), ages.end())), last.queue_age_max);
        QVERIFY(*std::min_element(ages.begin(), ages.end()) >= 0);
        break;
      }
    }
    // Every step records the epoch length that turns its ages into epochs (160 / 16 = 10 steps).
    for (const auto& m : steps) QCOMPARE(m.steps_per_epoch, int64_t(10));
  }

  void consistencyOfTheStoredNegatives() {
    const auto data = test::tiny_dataset();
    Trainer bank(tiny_with(Mechanism::MemoryBank), data);
    for (int i = 0; i < 12; ++i) bank.step();
    std::vector<torch::Tensor> buffers_before;
    for (const auto& b : bank.model().query->buffers()) buffers_before.push_back(b.clone());
    QVERIFY(!buffers_before.empty());
    const auto report = queue_consistency(bank, 4);
    QVERIFY(!report.points.empty());
    for (const auto& p : report.points) {
      QVERIFY(p.age >= 0 && p.age <= 11);
      QVERIFY(p.cosine > -1.0001 && p.cosine < 1.0001);
      QCOMPARE(bank.memory_bank()->written_at()[p.slot].item<int64_t>(), int64_t(11 - p.age));
    }
    QVERIFY(report.mean_cosine > 0);  // the entries still resemble what the encoder gives now
    const auto buffers_after = bank.model().query->buffers();  // BN statistics restored
    for (size_t i = 0; i < buffers_before.size(); ++i) QVERIFY(torch::equal(buffers_after[i], buffers_before[i]));

    Trainer e2e(tiny_with(Mechanism::EndToEnd), data);
    e2e.step();
    const auto fresh = queue_consistency(e2e, 4);
    QCOMPARE(fresh.mean_cosine, 1.0);
    QCOMPARE(fresh.points.at(0).age, int64_t(0));
  }

  void memoryBankResumeIsExact() {
    const auto data = test::tiny_dataset();
    Config c = tiny_with(Mechanism::MemoryBank);
    c.run.epochs = 1;  // 10 steps per epoch: the resume crosses into the second epoch
    Trainer uninterrupted(c, data);
    std::vector<double> expected;
    for (int i = 0; i < 13; ++i) expected.push_back(uninterrupted.step().loss);

    const std::string path = dir_.filePath("bank.pt").toStdString();
    {
      Trainer first(c, data);
      for (int i = 0; i < 8; ++i) QCOMPARE(first.step().loss, expected[i]);
      first.save_checkpoint(path);
    }
    Trainer resumed(c, data);
    resumed.load_checkpoint(path);
    for (int i = 8; i < 13; ++i) QCOMPARE(resumed.step().loss, expected[i]);
    QVERIFY(torch::equal(resumed.memory_bank()->features(), uninterrupted.memory_bank()->features()));
    QVERIFY(torch::equal(resumed.memory_bank()->written_at(), uninterrupted.memory_bank()->written_at()));

    // A queue run's checkpoint does not load into a memory-bank run.
    Trainer queue(test::tiny_config(), data);
    const std::string queue_path = dir_.filePath("queue.pt").toStdString();
    queue.save_checkpoint(queue_path);
    QVERIFY_EXCEPTION_THROWN(resumed.load_checkpoint(queue_path), std::runtime_error);
  }

  void memoryBankNeedsKBelowTheTrainingSet() {
    Config c = tiny_with(Mechanism::MemoryBank);
    c.moco.queue_size = 160;  // = the tiny set
    QVERIFY_EXCEPTION_THROWN(Trainer(c, test::tiny_dataset()), std::invalid_argument);
    c.data.train_limit = 100;
    const auto issues = validate(c);
    QCOMPARE(issues.size(), size_t(1));
    QCOMPARE(issues[0].field, std::string("moco.queue_size"));
    c.moco.mechanism = Mechanism::Queue;  // the queue only warns
    QVERIFY(validate(c).empty());
  }

  void simclrPresetValidates() {
    const Config c = preset_by_name("simclr");
    QCOMPARE(c.preset, std::string("simclr"));
    QVERIFY2(validate(c).empty(), describe(validate(c)).c_str());
    QCOMPARE(int(c.moco.mechanism), int(Mechanism::EndToEnd));
    QCOMPARE(c.moco.temperature, 0.5);
    QCOMPARE(int(c.model.head), int(HeadType::Mlp));
    QVERIFY(!preset_names_dataset("simclr"));
    const auto& choices = field_spec("preset").choices;
    QVERIFY(std::find(choices.begin(), choices.end(), "simclr") != choices.end());
  }

  void mechanismInJson() {
    Config c = preset_v2();
    QCOMPARE(int(c.moco.mechanism), int(Mechanism::Queue));  // the default: MoCo
    c.moco.mechanism = Mechanism::MemoryBank;
    const std::string json = to_json(c);
    QVERIFY(json.find("\"memory_bank\"") != std::string::npos);
    QCOMPARE(int(config_from_json(json).moco.mechanism), int(Mechanism::MemoryBank));
    set_config_value(c, "moco.mechanism", "end_to_end");
    QCOMPARE(to_string(c.moco.mechanism), std::string("end_to_end"));
    try {
      config_from_json(R"({"moco": {"mechanism": "bank"}})");
      QFAIL("expected an error");
    } catch (const std::invalid_argument& e) {
      const QString what = e.what();
      QVERIFY2(what.contains("moco.mechanism") && what.contains("bank") && what.contains("end_to_end"), e.what());
    }
  }
};

QTEST_APPLESS_MAIN(TestMechanisms)
#include "tst_mechanisms.moc"
