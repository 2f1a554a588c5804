// Lessons: every compiled-in lesson loads, has its texts, expands into valid arms and fits in 15
// minutes of a 2-core CPU by the cost model; the GPU plan is scaled; malformed files and unknown
// names are errors that say what is wrong.
#include <QtTest/QtTest>
#include <cmath>
#include <stdexcept>

#include "api/lessons.h"

namespace {

using moco::Lesson;
using moco::SweepPlan;

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

}  // namespace

class TestLessons : public QObject {
  Q_OBJECT

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
    // 0.5 s a step at batch 256 plus 20 s of evaluation with its floors.
    QCOMPARE(moco::estimated_cpu_seconds(reference_plan(100)), 100 * 0.5 + 20);
    auto wide = reference_plan(100);
    wide.base.model.width = 64;  // 4x the work of width 32
    wide.eval_bank = wide.eval_test = 0;  // whole splits: 70 000 images
    QCOMPARE(moco::estimated_cpu_seconds(wide), 4 * (100 * 0.5 + 20 * 70000.0 / 12000));
    auto e2e = reference_plan(100);
    e2e.base.moco.mechanism = moco::Mechanism::EndToEnd;
    e2e.seeds = 2;
    QCOMPARE(moco::estimated_cpu_seconds(e2e), 2 * (100 * 0.5 * 1.35 + 20));
    auto epochs = reference_plan(0);  // the schedule: 2 epochs of ceil(60 000 / 256) = 235 steps
    epochs.base.run.epochs = 2;
    QCOMPARE(moco::estimated_cpu_seconds(epochs), 2 * 235 * 0.5 + 20);
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
};

QTEST_GUILESS_MAIN(TestLessons)
#include "tst_lessons.moc"
