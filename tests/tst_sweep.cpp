// Sweeps: the grid and its arm names, sweep.json's comparison, the summary's mean ± sd from
// hand-written run folders (torch-free, api/sweep.h), then moco-train --sweep as a user runs it:
// both run folders and the summary files, resuming a half-done sweep, errors naming what is at fault.
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>
#include <stdexcept>

#include "api/sweep.h"
#include "moco_train_process.h"
#include "tiny_config.h"

namespace {

using moco::SweepAxis;
using moco::test::run_moco_train;
using moco::SweepPlan;

SweepPlan tiny_plan(std::vector<SweepAxis> axes, int64_t seeds) {
  SweepPlan plan;
  plan.base = moco::test::tiny_config();
  plan.axes = std::move(axes);
  plan.seeds = seeds;
  plan.steps = 3;
  return plan;
}

// The message expand_sweep throws, or "" when it does not.
QString expansion_error(const SweepPlan& plan) {
  try {
    moco::expand_sweep(plan);
  } catch (const std::invalid_argument& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

// A run folder as training leaves it: `losses` one per step (0.5 s each), an evaluation per entry of `knn`.
moco::RunRecord run_record(const std::vector<double>& losses, const std::vector<double>& knn, double probe) {
  moco::RunRecord record;
  record.config = moco::test::tiny_config();
  for (size_t i = 0; i < losses.size(); ++i) {
    moco::StepMetrics m;
    m.step = int64_t(i) + 1;
    m.loss = losses[i];
    m.step_seconds = 0.5;
    record.metrics.push_back(m);
  }
  for (size_t i = 0; i < knn.size(); ++i) {
    moco::EvalReport e;
    e.step = int64_t(i + 1) * 2;
    e.knn.top1 = knn[i];
    e.probe.top1 = probe;
    e.seconds = 1;
    record.evals.push_back(e);
  }
  return record;
}

// Tiny synthetic arms of three steps, with a small evaluation.
const QStringList kTiny =
    moco::test::kTinyRunArgs + QStringList{"--eval-bank", "64", "--eval-test", "32", "--steps", "3"};
const QString kArm09 = "moco.momentum=0.9,seed=0", kArm099 = "moco.momentum=0.99,seed=0";

QStringList lines_of(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
}

}  // namespace

class TestSweep : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void axisIsParsed() {
    const auto axis = moco::parse_sweep_axis("optim.milestones=[0.5,0.8],[0.6,0.9]");
    QCOMPARE(axis.key, std::string("optim.milestones"));
    QCOMPARE(axis.values, (std::vector<std::string>{"[0.5,0.8]", "[0.6,0.9]"}));
    QCOMPARE(moco::parse_sweep_axis("moco.momentum=0.9,0.99").values.size(), size_t(2));
    for (const char* bad : {"moco.momentum", "=0.9", "moco.momentum=0.9,,0.99", "moco.momentum="})
      QVERIFY_THROWS_EXCEPTION(std::invalid_argument, moco::parse_sweep_axis(bad));
  }

  void gridIsTheProductTimesSeeds() {
    const auto arms = moco::expand_sweep(tiny_plan({{"moco.momentum", {"0.9", "0.99"}}, {"moco.temperature", {"0.1", "0.2"}}}, 2));
    QCOMPARE(arms.size(), size_t(8));
    QCOMPARE(arms[0].name, std::string("moco.momentum=0.9,moco.temperature=0.1,seed=0"));
    QCOMPARE(arms[1].name, std::string("moco.momentum=0.9,moco.temperature=0.1,seed=1"));
    QCOMPARE(arms[2].name, std::string("moco.momentum=0.9,moco.temperature=0.2,seed=0"));
    QCOMPARE(arms[7].name, std::string("moco.momentum=0.99,moco.temperature=0.2,seed=1"));
    QCOMPARE(arms[7].setting, std::string("moco.momentum=0.99,moco.temperature=0.2"));
    QCOMPARE(arms[7].config.moco.momentum, 0.99);
    QCOMPARE(arms[7].config.moco.temperature, 0.2);
    QCOMPARE(arms[7].config.run.seed, uint64_t(1));
    QCOMPARE(arms[2].config.moco.momentum, 0.9);
  }

  void seedsAloneAndFolderSafeNames() {
    const auto seeds = moco::expand_sweep(tiny_plan({}, 3));
    QCOMPARE(seeds.size(), size_t(3));
    QCOMPARE(seeds[2].name, std::string("seed=2"));
    QCOMPARE(seeds[2].setting, std::string("base"));
    const auto paths = moco::expand_sweep(tiny_plan({{"data.path", {"/data/a b"}}}, 1));
    QCOMPARE(paths[0].name, std::string("data.path=_data_a_b,seed=0"));  // one folder, not data/a b
  }

  // A variant axis: each value names a group of assignments, applied in order (the last one wins).
  void variantAxisAppliesItsAssignments() {
    const SweepAxis variant{"variant", {"linear", "b/c"}, {{{"model.head", "linear"}, {"moco.temperature", "0.1"}},
                                                          {{"moco.temperature", "0.3"}, {"moco.temperature", "0.4"}}}};
    const auto arms = moco::expand_sweep(tiny_plan({variant, {"moco.momentum", {"0.9"}}}, 1));
    QCOMPARE(arms.size(), size_t(2));
    QCOMPARE(arms[0].name, std::string("variant=linear,moco.momentum=0.9,seed=0"));
    QCOMPARE(arms[1].setting, std::string("variant=b_c,moco.momentum=0.9"));  // one folder, not b/c
    QCOMPARE(int(arms[0].config.model.head), int(moco::HeadType::Linear));
    QCOMPARE(arms[0].config.moco.temperature, 0.1);
    QCOMPARE(int(arms[1].config.model.head), int(moco::HeadType::Mlp));  // the base's
    QCOMPARE(arms[1].config.moco.temperature, 0.4);
    QCOMPARE(arms[1].config.moco.momentum, 0.9);

    const auto error_for = [](const std::string& name, const std::string& key, const std::string& value) {
      return expansion_error(tiny_plan({{"variant", {name}, {{{key, value}}}}}, 1));
    };
    QVERIFY(error_for("a,b", "moco.temperature", "0.1").contains("holds ',' or '='"));
    QVERIFY(error_for("a", "moco.speed", "1").contains("variant axis variant=a: moco.speed=1: unknown configuration key"));
    QVERIFY(error_for("a", "run.seed", "1").contains("--seeds"));
    QVERIFY(error_for("a", "moco.bn_splits", "3").contains("arm 'variant=a,seed=0'"));
  }

  void badKeysValuesAndArmsAreNamed_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QStringList>("values");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown key") << "moco.speed" << QStringList{"1"} << "moco.speed";
    QTest::newRow("unreadable value") << "moco.momentum" << QStringList{"0.9", "fast"} << "moco.momentum=fast";
    QTest::newRow("invalid arm") << "moco.bn_splits" << QStringList{"2", "3"} << "arm 'moco.bn_splits=3,seed=0'";
    QTest::newRow("out of range") << "moco.momentum" << QStringList{"1.5"} << "moco.momentum=1.5,seed=0";
    QTest::newRow("seed swept") << "run.seed" << QStringList{"1", "2"} << "--seeds";
    QTest::newRow("repeated value") << "moco.momentum" << QStringList{"0.9", "0.9"} << "appears twice";
  }
  void badKeysValuesAndArmsAreNamed() {
    QFETCH(QString, key);
    QFETCH(QStringList, values);
    QFETCH(QString, mentions);
    SweepAxis axis{key.toStdString(), {}, {}};
    for (const auto& v : values) axis.values.push_back(v.toStdString());
    const QString error = expansion_error(tiny_plan({axis}, 1));
    QVERIFY2(error.contains(mentions), qPrintable(error));
  }

  void planDifferencesNameTheField() {
    const auto saved = tiny_plan({{"moco.momentum", {"0.9", "0.99"}}}, 2);
    QVERIFY(moco::plan_differences(saved, saved).empty());
    auto now = saved;
    now.steps = 5;
    now.base.moco.temperature = 0.3;
    const auto differences = moco::plan_differences(saved, now);
    QCOMPARE(differences.size(), size_t(2));
    QCOMPARE(differences[0], std::string("steps: 3 in sweep.json, 5 now"));
    QCOMPARE(differences[1], std::string("base config moco.temperature: 0.2 in sweep.json, 0.3 now"));
    const auto round_trip = moco::sweep_plan_from_json(moco::to_json(now));
    QVERIFY(moco::plan_differences(round_trip, now).empty());

    // A lesson's plan: its name and a variant axis survive sweep.json, the assignments in order.
    auto lesson = tiny_plan({{"variant", {"v1", "v2"}, {{{"moco.temperature", "0.3"}, {"model.head", "linear"}}, {}}}}, 1);
    lesson.lesson = "v1-to-v2";
    const auto read = moco::sweep_plan_from_json(moco::to_json(lesson));
    QCOMPARE(read.lesson, lesson.lesson);
    QCOMPARE(read.axes[0].values, lesson.axes[0].values);
    QCOMPARE(read.axes[0].variants, lesson.axes[0].variants);
    QVERIFY(moco::plan_differences(read, lesson).empty());
    auto other = lesson;
    other.lesson.clear();
    other.axes[0].variants[0][0].second = "0.2";
    const auto lesson_differences = moco::plan_differences(lesson, other);
    QCOMPARE(lesson_differences.size(), size_t(2));
    QVERIFY2(QString::fromStdString(lesson_differences[0]).startsWith("axes: "), lesson_differences[0].c_str());
    QCOMPARE(lesson_differences[1], std::string("lesson: \"v1-to-v2\" in sweep.json, \"\" now"));
  }

  void summaryHasMeanAndSdOverSeeds() {
    QTemporaryDir folder;
    const moco::SweepFolder sweep(folder.path().toStdString());
    const auto plan = tiny_plan({{"moco.momentum", {"0.9", "0.99"}}}, 2);
    sweep.adopt_plan(plan);
    const auto arms = sweep.arms();
    QCOMPARE(arms.size(), size_t(4));
    sweep.arm_folder(arms[0]).write(run_record({2.0, 1.0}, {0.4, 0.3}, 0.5));
    sweep.arm_folder(arms[1]).write(run_record({2.0, 3.0}, {0.2, 0.5}, 0.7));
    sweep.arm_folder(arms[2]).write(run_record({1.0, 0.5}, {0.6}, -1));  // probe skipped
    for (int i = 0; i < 3; ++i) sweep.mark_finished(arms[i]);             // arms[3] never ran

    const auto summary = sweep.read_summary(arms);
    QCOMPARE(summary.arms.size(), size_t(3));
    QCOMPARE(summary.arms[0].final_knn, 0.3);
    QCOMPARE(summary.arms[0].best_knn, 0.4);
    QCOMPARE(summary.arms[0].final_loss, 1.0);
    QCOMPARE(summary.arms[0].wall_seconds, 2 * 0.5 + 2 * 1.0);
    QVERIFY(std::isnan(summary.arms[2].final_probe));
    QCOMPARE(summary.settings.size(), size_t(2));
    const auto& m09 = summary.settings[0];
    QCOMPARE(m09.setting, std::string("moco.momentum=0.9"));
    QCOMPARE(m09.arms, int64_t(2));
    QCOMPARE(m09.final_knn.mean, 0.4);                      // (0.3 + 0.5) / 2
    QCOMPARE(m09.final_knn.sd, std::sqrt(0.02));            // sample sd of 0.3, 0.5
    QCOMPARE(m09.best_knn.mean, 0.45);                      // best of each seed: 0.4, 0.5
    QCOMPARE(m09.final_probe.mean, 0.6);
    QCOMPARE(m09.final_loss.mean, 2.0);
    QCOMPARE(m09.final_loss.sd, std::sqrt(2.0));
    QCOMPARE(summary.settings[1].arms, int64_t(1));
    QVERIFY(std::isnan(summary.settings[1].final_knn.sd));  // one seed: no spread to report

    sweep.write_summary(summary);
    const auto csv = lines_of(folder.filePath("summary.csv"));
    QCOMPARE(csv.size(), 4);
    QCOMPARE(csv[0], QString("arm,setting,seed,finished,steps,final_knn_top1,best_knn_top1,final_probe_top1,final_loss,wall_seconds"));
    QCOMPARE(csv[1], QString("\"moco.momentum=0.9,seed=0\",\"moco.momentum=0.9\",0,1,2,0.3,0.4,0.5,1,3"));
    QCOMPARE(csv[3], QString("\"moco.momentum=0.99,seed=0\",\"moco.momentum=0.99\",0,1,2,0.6,0.6,,0.5,2"));
    const QString md = lines_of(folder.filePath("summary.md")).join('\n');
    QVERIFY2(md.contains("| `moco.momentum=0.9` | 2 | 40.00 ± 14.14 | 45.00 ± 7.07 | 60.00 ± 14.14 | 2.0000 ± 1.4142 | 3.0 ± 0.0 |"),
             qPrintable(md));
    QVERIFY2(md.contains("| `moco.momentum=0.99,seed=0` | 2 | 60.00 | 60.00 | – | 0.5000 | 2.0 |"), qPrintable(md));
  }

  // moco-train --sweep: two arms of three steps, then the same sweep again after losing one arm.
  void sweepTrainsEveryArmAndResumes() {
    const QString out = dir_.filePath("momentum");
    const QStringList args = kTiny + QStringList{"--sweep", "moco.momentum=0.9,0.99", "--out", out};
    const auto first = run_moco_train(args + QStringList{"-q"});
    QVERIFY2(first.code == 0, qPrintable(first.err));
    for (const QString& arm : {kArm09, kArm099})
      for (const char* file : {"config.json", "metrics.csv", "checkpoint.pt", "finished.json"})
        QVERIFY2(QFile::exists(out + "/" + arm + "/" + file), qPrintable(arm + "/" + file));
    const auto csv = lines_of(out + "/summary.csv");
    QCOMPARE(csv.size(), 3);
    QVERIFY2(csv[1].startsWith("\"" + kArm09 + "\",\"moco.momentum=0.9\",0,1,3,0."), qPrintable(csv[1]));  // kNN measured
    QVERIFY2(csv[2].startsWith("\"" + kArm099 + "\""), qPrintable(csv[2]));
    const QString md = lines_of(out + "/summary.md").join('\n');
    QVERIFY2(md.contains("| `moco.momentum=0.99` | 1 |") && md.contains("| `" + kArm09 + "` | 3 |"), qPrintable(md));

    // One arm lost: only it trains again; the other is left as it was.
    const QDateTime kept = QFileInfo(out + "/" + kArm09 + "/metrics.csv").lastModified();
    QVERIFY(QDir(out + "/" + kArm099).removeRecursively());
    const auto second = run_moco_train(args);
    QVERIFY2(second.code == 0, qPrintable(second.err));
    QVERIFY2(second.err.contains("arm 1/2 " + kArm09 + ": finished before, skipped"), qPrintable(second.err));
    QVERIFY2(second.err.contains("arm 2/2 " + kArm099 + "\n"), qPrintable(second.err));
    QCOMPARE(QFileInfo(out + "/" + kArm09 + "/metrics.csv").lastModified(), kept);
    QVERIFY(QFile::exists(out + "/" + kArm099 + "/finished.json"));
    QCOMPARE(lines_of(out + "/summary.csv").size(), 3);

    // Interrupted after its checkpoint (no finished marker): the arm continues from its checkpoint.
    QVERIFY(QFile::remove(out + "/" + kArm09 + "/finished.json"));
    const auto third = run_moco_train(args);
    QVERIFY2(third.code == 0, qPrintable(third.err));
    QVERIFY2(third.err.contains("arm 1/2 " + kArm09 + ": resuming its checkpoint"), qPrintable(third.err));
    QVERIFY2(third.err.contains("arm 2/2 " + kArm099 + ": finished before, skipped"), qPrintable(third.err));
    QCOMPARE(lines_of(out + "/" + kArm09 + "/metrics.csv").size(), 4);  // header and steps 1-3, none trained twice
    QCOMPARE(lines_of(out + "/" + kArm09 + "/metrics.jsonl").filter("\"eval\"").size(), 1);  // nor evaluated twice

    // Other arguments are refused, saying what differs.
    const auto changed = run_moco_train(kTiny + QStringList{"--sweep", "moco.momentum=0.9,0.99", "--set", "moco.temperature=0.3",
                                                   "--seeds", "2", "--out", out, "-q"});
    QVERIFY(changed.code != 0);
    QVERIFY2(changed.err.contains("seeds: 1 in sweep.json, 2 now") &&
                 changed.err.contains("base config moco.temperature: 0.2 in sweep.json, 0.3 now"),
             qPrintable(changed.err));
  }

  void badSweepIsRefusedBeforeAnythingRuns_data() {
    QTest::addColumn<QString>("sweep");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown key") << "moco.speed=1,2" << "unknown configuration key 'moco.speed'";
    QTest::newRow("bad value") << "moco.momentum=0.9,fast" << "moco.momentum=fast";
    QTest::newRow("invalid arm") << "moco.bn_splits=2,3" << "arm 'moco.bn_splits=3,seed=0'";
  }
  void badSweepIsRefusedBeforeAnythingRuns() {
    QFETCH(QString, sweep);
    QFETCH(QString, mentions);
    const QString out = dir_.filePath("refused");
    const auto r = run_moco_train(kTiny + QStringList{"--sweep", sweep, "--out", out, "-q"});
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
    QVERIFY(!QFile::exists(out));
  }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
