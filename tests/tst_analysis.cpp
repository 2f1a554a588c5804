// The analysis engine against independent computations on small hand-built cases.
#include <QtTest/QtTest>
#include <fstream>

#include "api/analysis.h"
#include "data/dataset.h"
#include "eval/knn.h"
#include "test_support.h"
#include "train/trainer.h"

using namespace moco;

namespace {

FeatureSet make_set(std::vector<std::vector<float>> rows, std::vector<int64_t> labels) {
  FeatureSet f;
  f.count = int64_t(rows.size());
  f.dim = int64_t(rows[0].size());
  for (size_t i = 0; i < rows.size(); ++i) {
    float norm = 0;
    for (float v : rows[i]) norm += v * v;
    for (float v : rows[i]) f.values.push_back(v / std::sqrt(norm));
    f.indices.push_back(int64_t(i));
  }
  f.labels = std::move(labels);
  return f;
}

}  // namespace

class TestAnalysis : public QObject {
  Q_OBJECT
 private slots:
  void init() { torch::manual_seed(0); }

  void knnVoteMatchesHandComputation() {
    // Bank: two class-0 points near (1,0), one class-1 point at (0,1). Query at 45 degrees
    // leaning to (0,1): with k = 3 and t = 0.1, weights exp(cos / 0.1) decide.
    auto bank = make_set({{1, 0}, {1, 0.1f}, {0, 1}}, {0, 0, 1});
    auto query = make_set({{0.6f, 0.8f}}, {1});
    const double c0 = 0.6, c1 = (0.6 + 0.08) / std::sqrt(1.01), c2 = 0.8;
    const double class0 = std::exp(c0 / 0.1) + std::exp(c1 / 0.1), class1 = std::exp(c2 / 0.1);
    KnnOptions o;
    o.k = 3;
    auto scores = knn_scores(torch::from_blob(bank.values.data(), {3, 2}), torch::tensor(bank.labels), torch::from_blob(query.values.data(), {1, 2}), 2, 3, 0.1);
    QVERIFY(std::abs(scores[0][0].item<double>() / class0 - 1) < 1e-5);
    QVERIFY(std::abs(scores[0][1].item<double>() / class1 - 1) < 1e-5);
    const auto r = knn_on_features(bank, query, 2, o);
    QCOMPARE(r.top1, class1 > class0 ? 1.0 : 0.0);
    o.k = 1;  // the single nearest is the class-1 point
    QCOMPARE(knn_on_features(bank, query, 2, o).top1, 1.0);
  }

  void knnRejectsBadInput() {
    auto bank = make_set({{1, 0}, {0, 1}}, {0, 1});
    KnnOptions o;
    o.k = 3;
    QVERIFY_EXCEPTION_THROWN(knn_on_features(bank, bank, 2, o), std::invalid_argument);
    FeatureSet empty;
    o.k = 1;
    QVERIFY_EXCEPTION_THROWN(knn_on_features(empty, bank, 2, o), std::invalid_argument);
    auto nan = bank;
    nan.values[0] = std::nanf("");
    QVERIFY_EXCEPTION_THROWN(knn_on_features(nan, bank, 2, o), std::invalid_argument);
  }

  void alignmentAndUniformityFormulas() {
    // Three points on the unit circle and their positives rotated by a small angle.
    const double a[3] = {0.0, 2.0, 4.0}, shift = 0.1;
    std::vector<float> x, y;
    for (double t : a) {
      x.push_back(float(std::cos(t))), x.push_back(float(std::sin(t)));
      y.push_back(float(std::cos(t + shift))), y.push_back(float(std::sin(t + shift)));
    }
    const auto h = health_of(x, y, 3, 2);
    const double align = 2 - 2 * std::cos(shift);  // |u - v|^2 of unit vectors
    QVERIFY(std::abs(h.alignment - align) < 1e-5);
    double sum = 0;
    int pairs = 0;
    for (int i = 0; i < 3; ++i)
      for (int j = i + 1; j < 3; ++j, ++pairs) sum += std::exp(-2 * (2 - 2 * std::cos(a[i] - a[j])));
    QVERIFY(std::abs(h.uniformity - std::log(sum / pairs)) < 1e-5);
    QCOMPARE(h.ideal_std, 1 / std::sqrt(2.0));
    QVERIFY(h.effective_rank > 1.0 && h.effective_rank <= 2.0 + 1e-9);
    // Collapse: every row the same -> std 0, rank ~1 (degenerate), alignment 0.
    std::vector<float> same = {1, 0, 1, 0, 1, 0};
    const auto c = health_of(same, same, 3, 2);
    QCOMPARE(c.feature_std, 0.0);
    QCOMPARE(c.alignment, 0.0);
  }

  void linearProbeSeparatesSeparableClasses() {
    std::vector<std::vector<float>> rows;
    std::vector<int64_t> labels;
    auto gen = at::detail::createCPUGenerator(1);
    auto noise = torch::randn({200, 3}, gen) * 0.1;
    for (int i = 0; i < 200; ++i) {
      const int c = i % 2;
      rows.push_back({float(c ? 1 : -1) + noise[i][0].item<float>(), noise[i][1].item<float>(), 1 + noise[i][2].item<float>()});
      labels.push_back(c);
    }
    auto set = make_set(rows, labels);
    const auto r = linear_probe(set, set, 2, ProbeOptions{});
    QVERIFY(r.top1 > 0.97);
  }

  void consistencyIsOneWithFrozenKeysAndDropsWithoutMomentum() {
    Config c = test::tiny_config();
    c.moco.symmetric = true;  // both views' keys are re-encoded
    Trainer frozen(c, test::tiny_dataset());
    frozen.set_momentum(1.0);
    for (int i = 0; i < 4; ++i) frozen.step();
    const auto stable = queue_consistency(frozen, 4);
    QCOMPARE(int(stable.points.size()), 64);
    for (const auto& p : stable.points) QVERIFY2(p.cosine > 0.9999, qPrintable(QString::number(p.cosine)));

    // Same run with m = 0 and m = 0.99: the stored keys of a key encoder without momentum go
    // stale as the query encoder moves; with momentum they stay consistent.
    c.moco.symmetric = false;
    c.moco.queue_size = 128;  // 8 steps of history
    c.optim.lr = 0.3;
    auto consistency_with = [&](double m) {
      Trainer t(c, test::tiny_dataset());
      t.set_momentum(m);
      for (int i = 0; i < 10; ++i) t.step();
      return queue_consistency(t, 8);
    };
    const auto drifting = consistency_with(0.0), steady = consistency_with(0.99);
    QCOMPARE(int(drifting.points.size()), 128);
    QVERIFY2(drifting.mean_cosine < steady.mean_cosine - 0.01,
             qPrintable(QString("m=0: %1, m=0.99: %2").arg(drifting.mean_cosine).arg(steady.mean_cosine)));
    // 0.965 and 0.949 with two draws of the initial weights: well above m = 0, below a frozen 1.
    QVERIFY2(steady.mean_cosine > 0.93, qPrintable(QString::number(steady.mean_cosine)));
    qInfo("queue consistency after 10 steps: m = 0 -> %.4f, m = 0.99 -> %.4f", drifting.mean_cosine, steady.mean_cosine);
    Trainer jumpy(c, test::tiny_dataset());
    jumpy.set_momentum(0.0);
    for (int i = 0; i < 6; ++i) jumpy.step();
    queue_consistency(jumpy, 4);
    // The probe leaves the key encoder's BN statistics as they were: training continues identically.
    Trainer twin(c, test::tiny_dataset());
    twin.set_momentum(0.0);
    for (int i = 0; i < 6; ++i) twin.step();
    QCOMPARE(jumpy.step().loss, twin.step().loss);
  }

  void evaluationOnTheDeviceMatchesTheFeatureSets() {
    // evaluate() and knn_monitor keep the features on the training device; the window's path goes
    // through host FeatureSets. Both must give the same kNN and probe (issue 12, item 5).
    Trainer t(test::tiny_config(), test::tiny_dataset());
    for (int i = 0; i < 3; ++i) t.step();
    EvalOptions o;
    o.knn.k = 20;
    o.health_count = 32;
    o.consistency_steps = 2;
    const auto report = evaluate(t, o);
    const auto bank = extract_feature_set(t, Split::Bank), test = extract_feature_set(t, Split::Test);
    const int64_t classes = int64_t(t.dataset().class_names.size());
    const auto host_knn = knn_on_features(bank, test, classes, o.knn);
    const auto host_probe = linear_probe(bank, test, classes, o.probe_options);
    QCOMPARE(report.knn.top1, host_knn.top1);
    QCOMPARE(report.knn.top5, host_knn.top5);
    QCOMPARE(report.knn.step, int64_t(3));
    QVERIFY2(std::abs(report.probe.top1 - host_probe.top1) < 1e-9,
             qPrintable(QString("%1 vs %2").arg(report.probe.top1).arg(host_probe.top1)));
    QCOMPARE(report.probe.step, int64_t(3));
    QCOMPARE(knn_monitor(t, o.knn).top1, host_knn.top1);
    // The floors run on the config's device (the CPU here) and the random encoder is the run's start.
    const auto floors = knn_floors(t.config(), t.dataset(), o.knn);
    QVERIFY(floors.pixel_knn_top1 > 0.1 && floors.random_encoder_knn_top1 > 0.1);
  }

  void neighboursFindTheImageItself() {
    Trainer t(test::tiny_config(), test::tiny_dataset());
    t.step();
    auto bank = extract_feature_set(t, Split::Train);
    QCOMPARE(bank.count, int64_t(160));
    const auto image = dataset_image(t.dataset(), Split::Train, 37);
    const auto r = nearest_neighbours(t, bank, image, 5);
    QCOMPARE(int(r.training.size()), 5);
    QCOMPARE(r.training[0].index, int64_t(37));
    QVERIFY(std::abs(r.training[0].similarity - 1) < 1e-4);
    QCOMPARE(int(r.queue.size()), 5);  // 16 real keys after one step
    for (const auto& n : r.queue) QVERIFY(n.slot >= 0 && n.slot < 16 && n.age == 0);
    ImageU8 wrong = image;
    wrong.width = 3;
    QVERIFY_EXCEPTION_THROWN(nearest_neighbours(t, bank, wrong, 5), std::invalid_argument);
  }

  void previewsMatchTheEngineParameters() {
    const auto data = test::tiny_dataset();
    TransformConfig aug;
    const auto a = preview_pairs(*data, aug, {3, 5}, 11), b = preview_pairs(*data, aug, {3, 5}, 11);
    QCOMPARE(int(a.size()), 2);
    QCOMPARE(a[1].query.crop_x, b[1].query.crop_x);
    QCOMPARE(a[1].query_view.pixels, b[1].query_view.pixels);
    QCOMPARE(a[0].source.pixels, dataset_image(*data, Split::Train, 3).pixels);
    QVERIFY(a[0].query.crop_x + a[0].query.crop_width <= 16.0);
    QCOMPARE(a[0].query_view.width, int64_t(16));
    QCOMPARE(int(a[0].query.jitter_order.size()), 4);
    QVERIFY_EXCEPTION_THROWN(preview_pairs(*data, aug, {9999}, 1), std::out_of_range);
  }

  void evalLinesRoundTripThroughJson() {
    EvalReport r;
    r.step = 40;
    r.knn.top1 = 0.625;
    r.knn.top5 = 0.9;
    r.probe.top1 = 0.71;
    r.health = {40, 0.8, -2.5, 0.06, 0.0625, 31.5};
    r.consistency.points = {{3, 1, 0.99}, {7, 1, 0.97}, {9, 4, 0.9}};  // age 1 twice: written as its mean
    r.consistency.mean_cosine = 0.95;
    EvalReport back;
    Floors floors;
    QCOMPARE(parse_json_line(to_json_line(r), back, floors), JsonLineKind::Eval);
    QCOMPARE(back.step, int64_t(40));
    QCOMPARE(back.knn.top1, 0.625);
    QCOMPARE(back.probe.top1, 0.71);
    QCOMPARE(back.health.uniformity, -2.5);
    QCOMPARE(back.health.effective_rank, 31.5);
    QCOMPARE(back.consistency.mean_cosine, 0.95);
    QCOMPARE(back.consistency.points.size(), size_t(2));
    QCOMPARE(back.consistency.points[0].age, int64_t(1));
    QCOMPARE(back.consistency.points[0].cosine, 0.98);
    QCOMPARE(back.consistency.points[1].age, int64_t(4));

    Floors f{0.8, 0.7};
    QCOMPARE(parse_json_line(to_json_line(f, 0), back, floors), JsonLineKind::Floors);
    QCOMPARE(floors.random_encoder_knn_top1, 0.7);
    // A kNN-only line leaves health NaN and the probe skipped; step rows and junk are "other".
    QCOMPARE(parse_json_line(R"({"step": 5, "eval": {"knn_top1": 0.5}})", back, floors), JsonLineKind::Eval);
    QVERIFY(std::isnan(back.health.alignment));
    QCOMPARE(back.probe.top1, -1.0);
    QCOMPARE(parse_json_line(R"({"step": 5, "loss": 7.1})", back, floors), JsonLineKind::Other);
    QCOMPARE(parse_json_line("{not json", back, floors), JsonLineKind::Other);
  }

  void npyFilesHaveTheNumpyLayout() {
    QTemporaryDir dir;
    auto set = make_set({{1, 0, 0}, {0, 1, 0}}, {4, 7});
    const std::string fp = dir.filePath("f.npy").toStdString(), lp = dir.filePath("l.npy").toStdString();
    save_npy(set, fp, lp);
    std::ifstream in(fp, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    QCOMPARE(bytes.substr(0, 6), std::string("\x93NUMPY"));
    const size_t header = size_t(uint8_t(bytes[8])) | size_t(uint8_t(bytes[9])) << 8;
    QCOMPARE((10 + header) % 64, size_t(0));
    QVERIFY(bytes.find("'shape': (2, 3)") != std::string::npos);
    QCOMPARE(bytes.size(), 10 + header + 6 * sizeof(float));
    float second_row_y;
    std::memcpy(&second_row_y, bytes.data() + 10 + header + 4 * sizeof(float), sizeof(float));
    QCOMPARE(second_row_y, 1.0f);
    save_projector(set, {"a", "b", "c", "d", "e", "f", "g", "h"}, dir.filePath("proj").toStdString());
    QFile meta(dir.filePath("proj/metadata.tsv"));
    QVERIFY(meta.open(QIODevice::ReadOnly));
    QCOMPARE(QString(meta.readAll()), QString("index\tlabel\tclass\n0\t4\te\n1\t7\th\n"));
  }
};

QTEST_APPLESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
