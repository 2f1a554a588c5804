// Lessons: every compiled-in lesson loads, has its texts, expands into valid arms and fits in 15
// minutes of a 2-core CPU by the cost model; the GPU plan is scaled; malformed files and unknown
// names are errors that say what is wrong; moco-train --lesson and --list-lessons as a user runs them.
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>
#include <stdexcept>

#include "api/lessons.h"
#include "moco_train_process.h"

namespace {

using moco::Lesson;
using moco::SweepPlan;
using moco::test::run_moco_train;

const std::vector<std::string> kMenu = {"momentum", "queue-size", "v1-to-v2", "temperature", "mechanisms", "moco-vs-simclr"};

// A lesson's CPU budget: a class period's share of a 2-core machine.
constexpr double kMaxCpuSeconds = 15 * 60;

// The message `body` throws as std::invalid_argument, or "" when it does not.
template <typename Body>
QString error_of(Body&& body) {
  try {
    body();
  } catch (const std::invalid_argument& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

// One arm of Fashion-MNIST's size at batch 256, nothing swept (the measurement the cost model is from).
SweepPlan reference_plan(int64_t steps) {
  SweepPlan plan;
  plan.base = moco::preset_v2();
  moco::set_config_value(plan.base, "data.dataset", "fashion-mnist");
  plan.base.optim.batch_size = 256;
  plan.steps = steps;
  plan.eval_bank = 10000;
  plan.eval_test = 2000;
  return plan;
}

QStringList lines_of(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
}

}  // namespace

class TestLessons : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void namesAreInMenuOrder() { QCOMPARE(moco::lesson_names(), kMenu); }

  void everyLessonIsValidAndFitsOnACpu_data() {
    QTest::addColumn<QString>("name");
    for (const auto& name : moco::lesson_names()) QTest::newRow(name.c_str()) << QString::fromStdString(name);
  }
  void everyLessonIsValidAndFitsOnACpu() {
    QFETCH(QString, name);
    const Lesson lesson = moco::lesson_by_name(name.toStdString());
    QCOMPARE(lesson.name, name.toStdString());
    QCOMPARE(lesson.plan.lesson, lesson.name);
    for (const auto* text : {&lesson.title, &lesson.look_for, &lesson.paper, &lesson.ours}) QVERIFY(!text->empty());
    const auto arms = moco::expand_sweep(lesson.plan);  // throws naming the arm when one is invalid
    QVERIFY(arms.size() >= 2);
    const double seconds = moco::estimated_cpu_seconds(lesson.plan);
    QVERIFY2(seconds > 0 && seconds <= kMaxCpuSeconds, qPrintable(name + QString(": %1 s").arg(seconds)));

    QVERIFY(moco::plan_differences(moco::lesson_plan(lesson, false), lesson.plan).empty());
    const SweepPlan gpu = moco::lesson_plan(lesson, true);
    QVERIFY(lesson.gpu_scale > 1);
    QCOMPARE(gpu.steps, lesson.plan.steps * lesson.gpu_scale);
    QCOMPARE(gpu.eval_bank, int64_t(0));  // whole splits
    QCOMPARE(gpu.eval_test, int64_t(0));
    const auto gpu_arms = moco::expand_sweep(gpu);
    QCOMPARE(gpu_arms.size(), arms.size());
    for (size_t i = 0; i < arms.size(); ++i)  // the variants' run.total_steps too
      QCOMPARE(gpu_arms[i].config.run.total_steps, arms[i].config.run.total_steps * lesson.gpu_scale);
    QVERIFY(moco::estimated_cpu_seconds(gpu) > seconds);
  }

  void variantsApplyTheirSettings() {
    const auto arms = moco::expand_sweep(moco::lesson_by_name("v1-to-v2").plan);
    QCOMPARE(arms.size(), size_t(8));
    QCOMPARE(arms[0].name, std::string("variant=v1,seed=0"));
    QCOMPARE(arms[7].name, std::string("variant=+MLP_+aug+_+cos,seed=1"));  // spaces are no folder characters
    const auto& v1 = arms[0].config;
    QCOMPARE(int(v1.model.head), int(moco::HeadType::Linear));
    QCOMPARE(v1.moco.temperature, 0.07);
    QCOMPARE(int(v1.optim.schedule), int(moco::LrSchedule::Step));
    QCOMPARE(v1.augment.jitter_p, 1.0);
    QCOMPARE(v1.augment.blur_p, 0.0);
    QCOMPARE(int(arms[7].config.optim.schedule), int(moco::LrSchedule::Cosine));
    QCOMPARE(arms[7].config.augment.blur_p, 0.5);

    const auto mechanisms = moco::expand_sweep(moco::lesson_by_name("mechanisms").plan);
    const auto& e2e = mechanisms.back().config;
    QCOMPARE(int(e2e.moco.mechanism), int(moco::Mechanism::EndToEnd));
    QCOMPARE(int(mechanisms.front().config.moco.mechanism), int(moco::Mechanism::Queue));
    // Equal compute: end-to-end's steps cost 1.35 times a queue step.
    QCOMPARE(e2e.run.total_steps, int64_t(std::lround(mechanisms.front().config.run.total_steps / 1.35)));
  }

  void costModelFollowsTheMeasurement() {
    // 0.23 s a step at batch 256 plus 20 s of evaluation with its floors.
    QCOMPARE(moco::estimated_cpu_seconds(reference_plan(100)), 100 * 0.23 + 20);
    auto wide = reference_plan(100);
    wide.base.model.width = 64;  // 4x the work of width 32
    wide.eval_bank = wide.eval_test = 0;  // whole splits: 70 000 images
    QCOMPARE(moco::estimated_cpu_seconds(wide), 4 * (100 * 0.23 + 20 * 70000.0 / 12000));
    auto e2e = reference_plan(100);
    e2e.base.moco.mechanism = moco::Mechanism::EndToEnd;
    e2e.seeds = 2;
    QCOMPARE(moco::estimated_cpu_seconds(e2e), 2 * (100 * 0.23 * 1.35 + 20));
    auto epochs = reference_plan(0);  // the schedule: 2 epochs of ceil(60 000 / 256) = 235 steps
    epochs.base.run.epochs = 2;
    QCOMPARE(moco::estimated_cpu_seconds(epochs), 2 * 235 * 0.23 + 20);
  }

  void unknownLessonListsTheLessons() {
    const QString error = error_of([] { moco::lesson_by_name("nope"); });
    QVERIFY2(error.contains("'nope'"), qPrintable(error));
    for (const auto& name : kMenu) QVERIFY2(error.contains(QString::fromStdString(name)), qPrintable(error));
  }

  void malformedLessonNamesTheKey_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("mentions");
    const QString axis = R"("sweep": [{"key": "moco.momentum", "values": ["0.9"]}])";
    QTest::newRow("not json") << "{" << "not JSON";
    QTest::newRow("unknown key") << R"({"title": "t", "look_for": "l", "paper": "p", "stpes": 3, )" + axis + "}" << "\"stpes\"";
    QTest::newRow("no title") << R"({"look_for": "l", "paper": "p", )" + axis + "}" << "\"title\" is missing";
    QTest::newRow("bad field") << R"({"title": "t", "look_for": "l", "paper": "p", "set": {"moco.speed": "1"}, )" + axis + "}"
                               << "\"set.moco.speed\"";
    QTest::newRow("bad seeds") << R"({"title": "t", "look_for": "l", "paper": "p", "seeds": 0, )" + axis + "}" << "\"seeds\"";
    QTest::newRow("axis without values") << R"({"title": "t", "look_for": "l", "paper": "p", "sweep": [{"key": "a"}]})"
                                         << "\"sweep[0]\" needs either";
    QTest::newRow("bad variant value")
        << R"({"title": "t", "look_for": "l", "paper": "p", "sweep": [{"key": "v", "variants": [{"name": "a", "set": {"model.head": [1]}}]}]})"
        << "\"sweep[0].variants[0].set.model.head\"";
    QTest::newRow("other name") << R"({"name": "other", "title": "t", "look_for": "l", "paper": "p", )" + axis + "}" << "\"name\"";
  }
  void malformedLessonNamesTheKey() {
    QFETCH(QString, json);
    QFETCH(QString, mentions);
    const QString error = error_of([&] { moco::lesson_from_json("mine", json.toStdString()); });
    QVERIFY2(error.startsWith("lesson 'mine': ") && error.contains(mentions), qPrintable(error));
  }

  // moco-train --lesson momentum, shrunk to a tiny synthetic run by explicit options.
  void lessonTrainsItsArms() {
    const QString out = dir_.filePath("momentum");
    const QStringList tiny_sets = moco::test::kTinyRunArgs.mid(2);  // without "--preset v2": the lesson brings its base
    // --eval-bank is left out: the lesson's 5000 stays (the synthetic set's 160 images), not the option's default.
    const auto r = run_moco_train(QStringList{"--lesson", "momentum", "--out", out, "-q", "--steps", "2", "--seeds", "1",
                                              "--eval-test", "16"} + tiny_sets);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const auto csv = lines_of(out + "/summary.csv");
    QCOMPARE(csv.size(), 5);
    QStringList settings;
    for (int i = 1; i < csv.size(); ++i) settings << csv[i].section("\",\"", 1, 1).section('"', 0, 0);
    QCOMPARE(settings, (QStringList{"moco.momentum=0", "moco.momentum=0.9", "moco.momentum=0.99", "moco.momentum=0.999"}));
    QVERIFY2(csv[1].section(',', 5, 5) == "2", qPrintable(csv[1]));  // after the arm's name, which holds a comma  // --steps 2 replaced the lesson's 300
    QVERIFY2(lines_of(out + "/summary.md").value(0).startsWith("# Momentum of the key encoder"), qPrintable(out));
    const QString plan = lines_of(out + "/sweep.json").join('\n');
    QVERIFY2(plan.contains("\"lesson\": \"momentum\"") && plan.contains("\"batch_size\": 16") &&  // --set beat the lesson's 128
                 plan.contains("\"eval_bank\": 5000") && plan.contains("\"eval_test\": 16") && plan.contains("\"steps\": 2"),
             qPrintable(plan));
  }

  void listNamesEveryLesson() {
    const auto r = run_moco_train({"--list-lessons"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    for (const auto& name : kMenu) QVERIFY2(r.out.contains(QString::fromStdString(name) + " "), qPrintable(r.out));
    QVERIFY2(r.out.contains("CPU min"), qPrintable(r.out));
  }

  void lessonExcludesSweep() {
    const auto r = run_moco_train({"--lesson", "momentum", "--sweep", "moco.momentum=0.9", "--out", dir_.filePath("x")});
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains("--lesson") && r.err.contains("--sweep"), qPrintable(r.err));
    QVERIFY(!QFile::exists(dir_.filePath("x")));
  }
};

QTEST_GUILESS_MAIN(TestLessons)
#include "tst_lessons.moc"
