// Barnes-Hut t-SNE and trustworthiness (core/tsne): the trustworthiness formula against hand-computed
// and brute-force values, t-SNE on well-separated clusters, warm starts, snapshots and cancellation,
// determinism, and the errors bad input gets.
#include <QtTest/QtTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include "tsne/trustworthiness.h"
#include "tsne/tsne.h"

namespace {

// Well-separated Gaussian clusters, large enough for perplexity 30 and fast enough for a unit test.
constexpr int kClusters = 5;
constexpr int kPerCluster = 60;
constexpr int kClusterDim = 20;
constexpr double kCentreRange = 10.0;  // centres uniform in [-10, 10]^20: ~26 apart, against a cluster radius of ~4.5

struct LabelledPoints {
  std::vector<float> features;  // n x dim
  std::vector<int> labels;
  int64_t n = 0, dim = 0;
};

LabelledPoints gaussian_clusters(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> centre_coordinate(-kCentreRange, kCentreRange);
  std::normal_distribution<double> noise(0.0, 1.0);
  LabelledPoints points;
  points.n = kClusters * kPerCluster;
  points.dim = kClusterDim;
  for (int c = 0; c < kClusters; ++c) {
    std::vector<double> centre(kClusterDim);
    for (double& x : centre) x = centre_coordinate(rng);
    for (int p = 0; p < kPerCluster; ++p) {
      for (double x : centre) points.features.push_back(float(x + noise(rng)));
      points.labels.push_back(c);
    }
  }
  return points;
}

std::vector<float> uniform_matrix(int64_t rows, int64_t cols, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::vector<float> m(size_t(rows * cols));
  for (float& x : m) x = value(rng);
  return m;
}

double squared_distance(const float* a, const float* b, int64_t dim) {
  double sum = 0.0;
  for (int64_t d = 0; d < dim; ++d) sum += (double(a[d]) - b[d]) * (double(a[d]) - b[d]);
  return sum;
}

// Indices of all other points, nearest first (equal distances by index).
std::vector<int64_t> ranked_neighbours(const std::vector<float>& points, int64_t n, int64_t dim, int64_t i) {
  std::vector<int64_t> others;
  for (int64_t j = 0; j < n; ++j)
    if (j != i) others.push_back(j);
  std::stable_sort(others.begin(), others.end(), [&](int64_t a, int64_t b) {
    return squared_distance(&points[size_t(i * dim)], &points[size_t(a * dim)], dim) <
           squared_distance(&points[size_t(i * dim)], &points[size_t(b * dim)], dim);
  });
  return others;
}

// The textbook formula, written independently of the library: full rankings by sorting.
double naive_trustworthiness(const std::vector<float>& high, int64_t dim, const std::vector<float>& low,
                             int64_t low_dim, int64_t n, int k) {
  double penalty = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const auto high_order = ranked_neighbours(high, n, dim, i);
    const auto low_order = ranked_neighbours(low, n, low_dim, i);
    for (int slot = 0; slot < k; ++slot) {
      const auto found = std::find(high_order.begin(), high_order.end(), low_order[size_t(slot)]);
      const auto rank = found - high_order.begin() + 1;
      penalty += std::max<double>(0.0, double(rank - k));
    }
  }
  return 1.0 - penalty * 2.0 / (double(n) * k * (2.0 * n - 3.0 * k - 1.0));
}

// Fraction of points whose k nearest neighbours in the layout mostly share their label.
double layout_knn_accuracy(const std::vector<float>& layout, const std::vector<int>& labels, int k) {
  const auto n = int64_t(labels.size());
  int correct = 0;
  for (int64_t i = 0; i < n; ++i) {
    const auto order = ranked_neighbours(layout, n, 2, i);
    std::vector<int> votes(kClusters, 0);
    for (int slot = 0; slot < k; ++slot) ++votes[size_t(labels[size_t(order[size_t(slot)])])];
    correct += std::max_element(votes.begin(), votes.end()) - votes.begin() == labels[size_t(i)] ? 1 : 0;
  }
  return double(correct) / double(n);
}

// The layout centred on its centroid and divided by its root-mean-square radius: t-SNE maps keep
// slowly expanding, and a viewer rescales its axes, so only the shape matters when comparing maps.
std::vector<float> normalised(std::vector<float> layout) {
  const size_t n = layout.size() / 2;
  double cx = 0.0, cy = 0.0, sum = 0.0;
  for (size_t i = 0; i < n; ++i) cx += layout[2 * i], cy += layout[2 * i + 1];
  cx /= double(n), cy /= double(n);
  for (size_t i = 0; i < n; ++i) sum += std::pow(layout[2 * i] - cx, 2) + std::pow(layout[2 * i + 1] - cy, 2);
  const double radius = std::sqrt(sum / double(n));
  for (size_t i = 0; i < n; ++i) {
    layout[2 * i] = float((layout[2 * i] - cx) / radius);
    layout[2 * i + 1] = float((layout[2 * i + 1] - cy) / radius);
  }
  return layout;
}

// Median distance a point moves from layout a to layout b.
double median_move(const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<double> moves(a.size() / 2);
  for (size_t i = 0; i < moves.size(); ++i) moves[i] = std::hypot(b[2 * i] - a[2 * i], b[2 * i + 1] - a[2 * i + 1]);
  std::nth_element(moves.begin(), moves.begin() + moves.size() / 2, moves.end());
  return moves[moves.size() / 2];
}

bool all_finite(const std::vector<float>& values) {
  return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
}

}  // namespace

class TestTsne : public QObject {
  Q_OBJECT

 private slots:
  void trustworthinessOfIdentityIsOne();
  void trustworthinessHandComputed();
  void trustworthinessMatchesNaive_data();
  void trustworthinessMatchesNaive();
  void trustworthinessRejectsLargeK();
  void separatesClusters();
  void warmStartStaysClose();
  void snapshotsReportProgress();
  void callbackCancels();
  void stopFlagCancels();
  void deterministic();
  void smallInputsClampNeighbours_data();
  void smallInputsClampNeighbours();
  void degenerateDataStaysFinite();
  void badInputThrows_data();
  void badInputThrows();

 private:
  LabelledPoints clusters_ = gaussian_clusters(7);
};

void TestTsne::trustworthinessOfIdentityIsOne() {
  const auto x = uniform_matrix(50, 8, 1);
  QCOMPARE(moco::trustworthiness(x.data(), 50, 8, x.data(), 8, 5), 1.0);
}

void TestTsne::trustworthinessHandComputed() {
  // Points at 0, 1, 3, 7, 15, 31 on a line (all distances from a point differ); the embedding swaps
  // the two ends. With k = 2 the penalties max(0, rank - 2) are, point by point, 2 + 1, 3, 3, 0, 0,
  // 2 + 1 = 12, so T = 1 - 12 * 2 / (6 * 2 * (12 - 6 - 1)) = 0.6 (sklearn gives the same).
  const std::vector<float> high = {0, 1, 3, 7, 15, 31};
  const std::vector<float> low = {31, 1, 3, 7, 15, 0};
  QCOMPARE(moco::trustworthiness(high.data(), 6, 1, low.data(), 1, 2), 0.6);
}

void TestTsne::trustworthinessMatchesNaive_data() {
  QTest::addColumn<int>("k");
  for (int k : {1, 3, 5, 10, 19}) QTest::addRow("k=%d", k) << k;
}

void TestTsne::trustworthinessMatchesNaive() {
  QFETCH(int, k);
  constexpr int64_t n = 40, dim = 6;
  const auto high = uniform_matrix(n, dim, 2);
  const auto low = uniform_matrix(n, 2, 3);
  const double expected = naive_trustworthiness(high, dim, low, 2, n, k);
  QVERIFY(std::fabs(moco::trustworthiness(high.data(), n, dim, low.data(), 2, k) - expected) < 1e-12);
  QCOMPARE(moco::trustworthiness(high.data(), n, dim, low.data(), 2, k, 1),
           moco::trustworthiness(high.data(), n, dim, low.data(), 2, k, 3));
}

void TestTsne::trustworthinessRejectsLargeK() {
  const auto x = uniform_matrix(10, 3, 4);
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, moco::trustworthiness(x.data(), 10, 3, x.data(), 3, 5));
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, moco::trustworthiness(x.data(), 10, 3, x.data(), 3, 0));
}

void TestTsne::separatesClusters() {
  const auto& c = clusters_;
  const moco::TsneResult result = moco::run_tsne(c.features.data(), c.n, c.dim);
  QCOMPARE(result.layout.size(), size_t(2 * c.n));
  QCOMPARE(result.iterations, 1000);
  QVERIFY(!result.cancelled);
  QCOMPARE(result.neighbours, 91);
  QVERIFY(all_finite(result.layout));
  QVERIFY2(layout_knn_accuracy(result.layout, c.labels, 5) >= 0.95, "clusters are mixed in the layout");
  const double trust = moco::trustworthiness(c.features.data(), c.n, c.dim, result.layout.data(), 2, 10);
  QVERIFY2(trust > 0.9, qPrintable(QString("trustworthiness %1").arg(trust)));
}

void TestTsne::warmStartStaysClose() {
  const auto& c = clusters_;
  const moco::TsneResult cold = moco::run_tsne(c.features.data(), c.n, c.dim);
  moco::TsneOptions options;
  options.iterations = 250;
  const moco::TsneResult warm = moco::run_tsne(c.features.data(), c.n, c.dim, options, &cold.layout);
  QCOMPARE(warm.iterations, 250);
  QVERIFY(all_finite(warm.layout));
  QVERIFY(layout_knn_accuracy(warm.layout, c.labels, 5) >= 0.95);
  QVERIFY(warm.kl_divergence <= cold.kl_divergence * 1.05);
  // Points keep their identity and barely move (about 1.5% of the map's radius here), while an
  // independent run from another start puts them about a radius away.
  const double warm_move = median_move(normalised(cold.layout), normalised(warm.layout));
  QVERIFY2(warm_move < 0.05, qPrintable(QString("median move %1 of the radius").arg(warm_move)));
  options.iterations = 1000;
  options.init = moco::TsneInit::Random;
  const auto independent = moco::run_tsne(c.features.data(), c.n, c.dim, options).layout;
  QVERIFY(median_move(normalised(cold.layout), normalised(independent)) > 0.5);
}

void TestTsne::snapshotsReportProgress() {
  const auto& c = clusters_;
  moco::TsneOptions options;
  options.iterations = 300;
  options.snapshot_every = 100;
  std::vector<int> iterations;
  std::vector<double> kls;
  moco::TsneCallbacks callbacks;
  callbacks.on_snapshot = [&](int iteration, double kl, const std::vector<float>& layout) {
    iterations.push_back(iteration);
    kls.push_back(kl);
    return layout.size() == size_t(2 * c.n);
  };
  const moco::TsneResult result = moco::run_tsne(c.features.data(), c.n, c.dim, options, nullptr, callbacks);
  QCOMPARE(iterations, (std::vector<int>{100, 200, 300}));
  QVERIFY(!result.cancelled);
  QCOMPARE(kls.back(), result.kl_divergence);
  QVERIFY(kls[0] > 0.0 && std::isfinite(kls[0]));
  QVERIFY(kls.back() < kls.front());
}

void TestTsne::callbackCancels() {
  const auto& c = clusters_;
  moco::TsneOptions options;
  options.snapshot_every = 50;
  int calls = 0;
  moco::TsneCallbacks callbacks;
  callbacks.on_snapshot = [&](int iteration, double, const std::vector<float>&) {
    ++calls;
    return iteration < 100;
  };
  const moco::TsneResult result = moco::run_tsne(c.features.data(), c.n, c.dim, options, nullptr, callbacks);
  QVERIFY(result.cancelled);
  QCOMPARE(result.iterations, 100);
  QCOMPARE(calls, 2);
  QCOMPARE(result.layout.size(), size_t(2 * c.n));
  QVERIFY(all_finite(result.layout));
}

void TestTsne::stopFlagCancels() {
  const auto& c = clusters_;
  std::atomic<bool> stop{true};
  moco::TsneCallbacks callbacks;
  callbacks.stop = &stop;
  const moco::TsneResult before = moco::run_tsne(c.features.data(), c.n, c.dim, {}, nullptr, callbacks);
  QVERIFY(before.cancelled);
  QCOMPARE(before.iterations, 0);
  QVERIFY(before.layout.empty());

  // Raised from a snapshot that lets the run go on: the next iteration stops.
  stop = false;
  callbacks.on_snapshot = [&](int iteration, double, const std::vector<float>&) {
    stop = iteration >= 40;
    return true;
  };
  moco::TsneOptions options;
  options.snapshot_every = 20;
  const moco::TsneResult during = moco::run_tsne(c.features.data(), c.n, c.dim, options, nullptr, callbacks);
  QVERIFY(during.cancelled);
  QCOMPARE(during.iterations, 41);
  QCOMPARE(during.layout.size(), size_t(2 * c.n));
}

void TestTsne::deterministic() {
  const auto& c = clusters_;
  moco::TsneOptions options;
  options.iterations = 300;
  options.threads = 1;
  const auto first = moco::run_tsne(c.features.data(), c.n, c.dim, options).layout;
  QCOMPARE(moco::run_tsne(c.features.data(), c.n, c.dim, options).layout, first);
  options.threads = 2;
  QCOMPARE(moco::run_tsne(c.features.data(), c.n, c.dim, options).layout, first);

  options.init = moco::TsneInit::Random;
  const auto random = moco::run_tsne(c.features.data(), c.n, c.dim, options).layout;
  QCOMPARE(moco::run_tsne(c.features.data(), c.n, c.dim, options).layout, random);
  options.seed = 1;
  QVERIFY(moco::run_tsne(c.features.data(), c.n, c.dim, options).layout != random);
}

void TestTsne::smallInputsClampNeighbours_data() {
  QTest::addColumn<int>("n");
  QTest::addColumn<double>("perplexity");
  QTest::addColumn<int>("neighbours");
  QTest::newRow("two points") << 2 << 1.0 << 1;
  QTest::newRow("perplexity near n") << 10 << 9.5 << 9;
  QTest::newRow("3 * perplexity above n") << 20 << 10.0 << 19;
  QTest::newRow("unclamped") << 100 << 5.0 << 16;
}

void TestTsne::smallInputsClampNeighbours() {
  QFETCH(int, n);
  QFETCH(double, perplexity);
  QFETCH(int, neighbours);
  const auto x = uniform_matrix(n, 4, 5);
  moco::TsneOptions options;
  options.perplexity = perplexity;
  options.iterations = 200;
  const moco::TsneResult result = moco::run_tsne(x.data(), n, 4, options);
  QCOMPARE(result.neighbours, neighbours);
  QCOMPARE(result.layout.size(), size_t(2 * n));
  QVERIFY(all_finite(result.layout));
  QVERIFY(std::isfinite(result.kl_divergence));
}

void TestTsne::degenerateDataStaysFinite() {
  moco::TsneOptions options;
  options.perplexity = 5;
  options.iterations = 200;
  const std::vector<float> identical(40 * 3, 0.5f);
  const moco::TsneResult same = moco::run_tsne(identical.data(), 40, 3, options);
  QVERIFY(all_finite(same.layout));

  // One-dimensional data: the second axis must not stay flat.
  std::vector<float> line(40);
  std::iota(line.begin(), line.end(), 0.0f);
  const moco::TsneResult spread = moco::run_tsne(line.data(), 40, 1, options);
  QVERIFY(all_finite(spread.layout));
  double y_range = 0.0;
  for (int i = 0; i < 40; ++i) y_range = std::max(y_range, std::fabs(double(spread.layout[size_t(2 * i + 1)])));
  QVERIFY(y_range > 0.0);
}

void TestTsne::badInputThrows_data() {
  QTest::addColumn<int>("n");
  QTest::addColumn<int>("dim");
  QTest::addColumn<double>("perplexity");
  QTest::addColumn<int>("badValue");  // index set to NaN (-1: none), or -2: infinity at index 3
  QTest::addColumn<int>("initSize");  // -1: no initial layout
  QTest::addColumn<QStringList>("mentions");  // every problem's description
  QTest::newRow("one point") << 1 << 4 << 0.5 << -1 << -1 << QStringList{"n = 1"};
  QTest::newRow("no features") << 10 << 0 << 3.0 << -1 << -1 << QStringList{"dim = 0"};
  QTest::newRow("perplexity = n") << 10 << 4 << 10.0 << -1 << -1 << QStringList{"perplexity = 10"};
  QTest::newRow("perplexity zero") << 10 << 4 << 0.0 << -1 << -1 << QStringList{"perplexity = 0"};
  QTest::newRow("NaN feature") << 10 << 4 << 3.0 << 9 << -1 << QStringList{"data[2, 1] = nan"};
  QTest::newRow("infinite feature") << 10 << 4 << 3.0 << -2 << -1 << QStringList{"data[0, 3] = inf"};
  QTest::newRow("short initial layout") << 10 << 4 << 3.0 << -1 << 10 << QStringList{"initial layout size = 10"};
  QTest::newRow("two problems") << 10 << 4 << 20.0 << -1 << 19
                                << QStringList{"perplexity = 20", "initial layout size = 19"};
}

void TestTsne::badInputThrows() {
  QFETCH(int, n);
  QFETCH(int, dim);
  QFETCH(double, perplexity);
  QFETCH(int, badValue);
  QFETCH(int, initSize);
  QFETCH(QStringList, mentions);
  auto x = uniform_matrix(n, std::max(dim, 1), 6);
  if (badValue >= 0) x[size_t(badValue)] = std::numeric_limits<float>::quiet_NaN();
  if (badValue == -2) x[3] = std::numeric_limits<float>::infinity();
  const std::vector<float> init(size_t(std::max(initSize, 0)), 0.0f);
  moco::TsneOptions options;
  options.perplexity = perplexity;
  try {
    moco::run_tsne(x.data(), n, dim, options, initSize >= 0 ? &init : nullptr);
    QFAIL("no exception");
  } catch (const std::invalid_argument& e) {
    for (const QString& problem : mentions) QVERIFY2(QString(e.what()).contains(problem), e.what());
  }
}

QTEST_APPLESS_MAIN(TestTsne)
#include "tst_tsne.moc"
