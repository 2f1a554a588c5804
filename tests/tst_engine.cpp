// The MoCo engine: momentum update, the queue's ring pointer and ages, InfoNCE against an
// independent computation, split BN, gradients never reaching the key encoder, live changes.
#include <QtTest/QtTest>

#include "model/moco_model.h"
#include "runtime/rng.h"
#include "model/split_batchnorm.h"
#include "runtime/autocast.h"
#include "runtime/sync_counter.h"
#include "test_support.h"
#include "train/grad_scaler.h"
#include "train/trainer.h"

using namespace moco;

namespace {

double max_param_difference(torch::nn::Module& a, torch::nn::Module& b) {
  double worst = 0;
  auto pa = a.parameters(), pb = b.parameters();
  for (size_t i = 0; i < pa.size(); ++i) worst = std::max(worst, (pa[i] - pb[i]).abs().max().item<double>());
  return worst;
}

std::vector<torch::Tensor> snapshot(torch::nn::Module& m) {
  std::vector<torch::Tensor> out;
  for (auto& p : m.parameters()) out.push_back(p.detach().clone());
  return out;
}

}  // namespace

class TestEngine : public QObject {
  Q_OBJECT
 private slots:
  void init() { torch::manual_seed(0); }

  void momentumZeroCopiesMomentumOneFreezes() {
    const Config c = test::tiny_config();
    MocoModel model(c, 3, torch::kCPU, 1);
    QCOMPARE(max_param_difference(*model.query, *model.key), 0.0);  // f_k starts as a copy
    {
      torch::NoGradGuard g;
      for (auto& p : model.query->parameters()) p.add_(torch::randn_like(p));
    }
    const auto frozen = snapshot(*model.key);
    model.momentum_update(1.0);
    auto after = model.key->parameters();
    for (size_t i = 0; i < frozen.size(); ++i) QVERIFY(torch::equal(after[i], frozen[i]));
    model.momentum_update(0.5);  // halfway
    auto query = model.query->parameters();
    after = model.key->parameters();
    for (size_t i = 0; i < frozen.size(); ++i)
      QVERIFY(torch::allclose(after[i], 0.5 * frozen[i] + 0.5 * query[i], 1e-5, 1e-6));
    model.momentum_update(0.0);
    QCOMPARE(max_param_difference(*model.query, *model.key), 0.0);
    QVERIFY(model.key_drift() == 0.0);
  }

  void gradientsNeverReachTheKeyEncoder() {
    Trainer trainer(test::tiny_config(), test::tiny_dataset());
    const auto before = snapshot(*trainer.model().key);
    trainer.set_momentum(1.0);  // a frozen key encoder must stay bit-identical through SGD steps
    trainer.step();
    trainer.step();
    auto after = trainer.model().key->parameters();
    for (size_t i = 0; i < before.size(); ++i) {
      QVERIFY(!after[i].requires_grad());
      QVERIFY(!after[i].grad().defined());
      QVERIFY(torch::equal(after[i], before[i]));
    }
    bool query_has_grad = false;
    for (auto& p : trainer.model().query->parameters()) query_has_grad = query_has_grad || p.grad().defined();
    QVERIFY(query_has_grad);
  }

  void queuePointerAndAges_data() {
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("batch");
    QTest::newRow("K divisible by batch") << 64 << 16;
    QTest::newRow("K not divisible") << 40 << 16;
    QTest::newRow("K smaller than batch") << 10 << 16;
  }
  void queuePointerAndAges() {
    QFETCH(int, k);
    QFETCH(int, batch);
    auto gen = make_generator(0, RngStream::QueueInit, 0);
    KeyQueue queue(4, k, gen, torch::kCPU);
    QCOMPARE(queue.fill_fraction(), 0.0);
    // Independent model of the ring: write min(batch, K - ptr) slots, wrap to 0 at the end.
    std::vector<int64_t> written(k, -1), ids(k, -1);
    int64_t ptr = 0;
    for (int64_t step = 0; step < 7; ++step) {
      auto keys = torch::randn({batch, 4});
      auto sample_ids = torch::arange(step * 100, step * 100 + batch);
      queue.enqueue(keys, sample_ids, step);
      const int64_t n = std::min<int64_t>(batch, k - ptr);
      for (int64_t i = 0; i < n; ++i) {
        written[ptr + i] = step;
        ids[ptr + i] = step * 100 + i;
      }
      QVERIFY(torch::equal(queue.keys().slice(1, ptr, ptr + n), keys.slice(0, 0, n).t()));
      ptr = (ptr + n) % k;
      QCOMPARE(queue.pointer(), ptr);
    }
    QVERIFY(torch::equal(queue.written_at(), torch::tensor(written)));
    QVERIFY(torch::equal(queue.sample_ids(), torch::tensor(ids)));
    const auto [mean_age, max_age] = queue.age_stats(6);
    double sum = 0, mx = 0, count = 0;
    for (auto w : written)
      if (w >= 0) sum += 6 - w, mx = std::max(mx, double(6 - w)), ++count;
    QCOMPARE(mean_age, sum / count);
    QCOMPARE(max_age, mx);
  }

  void lossEqualsIndependentCrossEntropy() {
    // Two queries, a queue of three keys, tau 0.5: -log softmax of column 0, by hand.
    auto norm = [](torch::Tensor t) { return t / t.norm(2, 1, true); };
    auto q = norm(torch::tensor({{1.0, 0.0, 0.0}, {0.6, 0.8, 0.0}}, torch::kFloat64));
    auto k = norm(torch::tensor({{0.8, 0.6, 0.0}, {0.0, 1.0, 0.0}}, torch::kFloat64));
    auto queue = norm(torch::tensor({{0.0, 0.0, 1.0}, {1.0, 0.0, 0.0}, {0.0, -1.0, 0.0}}, torch::kFloat64)).t();
    const double tau = 0.5;
    double expected = 0;
    for (int i = 0; i < 2; ++i) {
      std::vector<double> logits{(q[i] * k[i]).sum().item<double>() / tau};
      for (int j = 0; j < 3; ++j) logits.push_back((q[i] * queue.select(1, j)).sum().item<double>() / tau);
      double denominator = 0;
      for (double l : logits) denominator += std::exp(l);
      expected += -std::log(std::exp(logits[0]) / denominator) / 2.0;
    }
    const auto logits = infonce_logits(q, k, queue, tau);
    QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2, 4}));
    QVERIFY(std::abs(infonce_loss(logits).item<double>() - expected) < 1e-12);
    QCOMPARE(logits[1][0].item<double>(), 0.8 / tau);
  }

  void chanceLevelWithRandomFeatures() {
    // Random queue and unrelated q, k: the loss is near ln(K + 1).
    auto gen = make_generator(0, RngStream::QueueInit, 1);
    auto norm = [](torch::Tensor t) { return t / t.norm(2, 1, true); };
    auto q = norm(torch::randn({512, 64}, gen)), k = norm(torch::randn({512, 64}, gen));
    auto queue = norm(torch::randn({4096, 64}, gen)).t();
    const double loss = infonce_loss(infonce_logits(q, k, queue, 1.0)).item<double>();
    QVERIFY(std::abs(loss - std::log(4097.0)) < 0.05);
  }

  void splitBatchNormUsesPerSplitStatistics() {
    SplitBatchNorm2d bn(2, 2);
    bn->train();
    auto x = torch::randn({4, 2, 3, 3}) * 3 + 1;
    auto out = bn->forward(x);
    // Samples 0 and 2 form one split, 1 and 3 the other (index mod S).
    for (int split = 0; split < 2; ++split) {
      auto group = torch::stack({x[split], x[split + 2]});
      auto mean = group.mean({0, 2, 3}, true), var = group.var({0, 2, 3}, false, true);
      auto expected = (group - mean) / (var + 1e-5).sqrt();
      QVERIFY(torch::allclose(torch::stack({out[split], out[split + 2]}), expected, 1e-4, 1e-4));
    }
    // Running mean: momentum 0.1 towards the average of the two splits' means.
    auto batch_mean = x.mean({0, 2, 3});
    QVERIFY(torch::allclose(bn->running_mean, 0.1 * batch_mean, 1e-5, 1e-5));
    bn->eval();
    auto eval_out = bn->forward(x);
    auto expected_eval = (x - bn->running_mean.view({1, 2, 1, 1})) / (bn->running_var.view({1, 2, 1, 1}) + 1e-5).sqrt();
    QVERIFY(torch::allclose(eval_out, expected_eval, 1e-5, 1e-5));
  }

  void metricsDescribeTheStep() {
    Trainer trainer(test::tiny_config(), test::tiny_dataset());
    const auto m1 = trainer.step();
    QCOMPARE(m1.step, int64_t(1));
    QCOMPARE(m1.chance_loss, std::log(65.0));
    QCOMPARE(m1.queue_fill, 16.0 / 64.0);
    QVERIFY(m1.instance_acc1 >= 0 && m1.instance_acc1 <= 1);
    QVERIFY(m1.positive_cosine > m1.negative_cosine);
    QVERIFY(m1.images_per_second > 0);
    for (int i = 0; i < 4; ++i) trainer.step();
    const auto m5 = trainer.step();
    QCOMPARE(m5.queue_fill, 1.0);
    QCOMPARE(m5.queue_age_max, 3.0);  // slots written at steps 2..5 (0-based), seen at step 5
    QCOMPARE(m5.queue_age_mean, 1.5);
    QVERIFY(m5.key_drift > 0);
  }

  void liveChangesReachTheNextStep() {
    Trainer trainer(test::tiny_config(), test::tiny_dataset());
    trainer.step();
    trainer.set_momentum(0.5);
    trainer.set_temperature(0.3);
    trainer.set_learning_rate(0.01);
    const auto m = trainer.step();
    QCOMPARE(m.momentum, 0.5);
    QCOMPARE(m.temperature, 0.3);
    QVERIFY(m.lr <= 0.01 && m.lr > 0.009);  // cosine has barely started
    QCOMPARE(trainer.config().moco.momentum, 0.5);
  }

  void sameSeedSameLosses() {
    std::vector<double> a, b;
    Trainer t1(test::tiny_config(), test::tiny_dataset()), t2(test::tiny_config(), test::tiny_dataset());
    for (int i = 0; i < 3; ++i) a.push_back(t1.step().loss), b.push_back(t2.step().loss);
    QCOMPARE(a, b);
  }

  void symmetricLossEnqueuesBothViews() {
    Config c = test::tiny_config();
    c.moco.symmetric = true;
    Trainer trainer(c, test::tiny_dataset());
    const auto m = trainer.step();
    QCOMPARE(trainer.model().queue.pointer(), int64_t(32));
    QCOMPARE(m.chance_loss, 2 * std::log(65.0));
  }

  // run.precision bf16 runs the encoders under CPU autocast: the first step's loss, from the same
  // weights and views as an fp32 twin, is close to it (bf16 keeps 8 bits of mantissa) but not equal.
  void bf16StepIsCloseToFp32() {
    Config c = test::tiny_config();
    c.run.precision = Precision::Fp32;
    Trainer fp32(c, test::tiny_dataset());
    c.run.precision = Precision::Bf16;
    Trainer bf16(c, test::tiny_dataset());
    QCOMPARE(bf16.model().precision(), Precision::Bf16);
    for (int i = 0; i < 2; ++i) {
      const double a = fp32.step().loss;
      double b = 0;
      try {
        b = bf16.step().loss;
      } catch (const c10::Error& e) {  // oneDNN's bf16 kernels need AVX-512 (BW, VL, DQ) on LibTorch 1.13
        if (QString(e.what_without_backtrace()).contains("bf16")) QSKIP(e.what_without_backtrace());
        throw;
      }
      QVERIFY2(std::isfinite(b) && std::abs(b - a) <= 2e-2 * std::abs(a), qPrintable(QString("fp32 %1 bf16 %2").arg(a).arg(b)));
      QVERIFY2(a != b, "the bf16 loss equals fp32's: autocast did not run");
    }
    // What the step leaves behind stays fp32: parameters, BN statistics, the queue.
    for (const auto& p : bf16.model().query->parameters()) QCOMPARE(p.scalar_type(), torch::kFloat32);
    for (const auto& b : bf16.model().key->buffers())
      if (b.is_floating_point()) QCOMPARE(b.scalar_type(), torch::kFloat32);
    QCOMPARE(bf16.model().queue.keys().scalar_type(), torch::kFloat32);
    QVERIFY(!autocast_enabled(torch::kCPU));  // the guard put the thread's state back
  }

  // auto is fp32 on the CPU; fp16 is refused there (a device 'auto' that resolves to the CPU too).
  void precisionResolvesForTheDevice() {
    Config c = test::tiny_config();
    QCOMPARE(c.run.precision, Precision::Auto);
    QCOMPARE(Trainer(c, test::tiny_dataset()).model().precision(), Precision::Fp32);
    c.run.device = DeviceChoice::Auto;
    c.run.precision = Precision::Fp16;
    if (torch::cuda::is_available()) QSKIP("this machine has CUDA: 'auto' is not the CPU here");
    try {
      Trainer t(c, test::tiny_dataset());
      QFAIL("expected fp16 on the CPU to be refused");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(QString(e.what()).contains("run.precision"), e.what());
    }
  }

  // The fp16 loss scaler (its plain-operation path, which the CPU runs): an overflowing gradient
  // is reported and halves the scale; clean steps leave it; gradients come back unscaled.
  void gradScalerBacksOffOnOverflow() {
    GradScaler scaler(torch::kCPU);
    auto w = torch::ones({3}, torch::requires_grad());
    scaler.scale((w * 2).sum()).backward();
    auto found = scaler.unscale({w});
    QCOMPARE(found.item<float>(), 0.0f);
    QVERIFY(torch::allclose(w.grad(), torch::full({3}, 2.0)));
    scaler.update(found);
    QCOMPARE(scaler.scale_tensor().item<float>(), float(GradScaler::kInitScale));
    QCOMPARE(scaler.growth_tracker().item<int>(), 1);
    w.mutable_grad().fill_(std::numeric_limits<float>::infinity());
    found = scaler.unscale({w});
    QCOMPARE(found.item<float>(), 1.0f);
    scaler.update(found);
    QCOMPARE(scaler.scale_tensor().item<float>(), float(GradScaler::kInitScale * GradScaler::kBackoffFactor));
    QCOMPARE(scaler.growth_tracker().item<int>(), 0);
  }

  // Deferred metrics leave the host free during a step: no item() or other synchronising call in
  // a deferred step (on views made beforehand), where the immediate step needs one for its loss.
  void deferredStepDoesNotSynchronise() {
    Trainer immediate(test::tiny_config(), test::tiny_dataset(), {false});
    Trainer deferred(test::tiny_config(), test::tiny_dataset(), {true});
    const auto views = immediate.next_views(), same = deferred.next_views();
    int64_t immediate_syncs = 0, deferred_syncs = 0;
    {
      SyncCounter counter;
      immediate.advance_on_views(views);
      immediate_syncs = counter.count();
    }
    {
      SyncCounter counter;
      deferred.advance_on_views(same);
      deferred.advance_on_views(same);  // reads the first step's metrics
      deferred_syncs = counter.count();
    }
    QCOMPARE(deferred_syncs, int64_t(0));
    QVERIFY(immediate_syncs >= 1);
    deferred.settle();
    const auto a = immediate.take_metrics(), b = deferred.take_metrics();
    QCOMPARE(int(b.size()), 2);
    QCOMPARE(b[0].loss, a[0].loss);
  }

  void tooLargeQueueIsWarnedAbout() {
    Config c = test::tiny_config();
    c.moco.queue_size = 150;  // 160 training images - a batch of 16 = 144
    Trainer trainer(c, test::tiny_dataset());
    QVERIFY(trainer.queue_warning().has_value());
    Trainer fine(test::tiny_config(), test::tiny_dataset());
    QVERIFY(!fine.queue_warning().has_value());
  }
};

QTEST_APPLESS_MAIN(TestEngine)
#include "tst_engine.moc"
