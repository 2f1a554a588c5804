// Sweeps in the window, headless: a sweep folder moco-train wrote opens as one run per arm with its
// bar chart and summary, a folder that is not a sweep says why in the banner, and a lesson runs in
// its own moco-train process while the Sweep tab follows its folder. Torch-free: links moco_ui and
// runs the real moco-train.
#include <QFile>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>

#include "api/analysis.h"
#include "api/lessons.h"
#include "api/sweep.h"
#include "gui_test_support.h"
#include "lesson_dialog.h"
#include "moco_train_process.h"
#include "plots/sweep_chart.h"
#include "run.h"
#include "sweep_actions.h"
#include "sweep_process.h"
#include "sweep_runs.h"
#include "views/sweep_view.h"

using namespace moco;
using test::banner;
using test::find;

namespace {
constexpr int kLessonTimeoutMs = 120000 * test::kSlowdown;  // a few tiny arms of moco-train on a busy 2-core machine

// The two settings × two seeds the tests open, as moco-train --sweep writes it.
const QStringList kSweepArgs = {"--sweep", "moco.momentum=0.9,0.99", "--seeds", "2", "--steps", "2",
                                "--eval-bank", "32", "--eval-test", "16", "-q"};

SweepChart* chart(MainWindow& w) { return find<SweepChart>(w, "sweepChart"); }
SweepActions* sweeps(MainWindow& w) { return find<SweepActions>(w); }

// A lesson made tiny: the tiny run's --set list (the lesson brings its own preset), `steps` steps,
// one seed, small evaluations.
QStringList tinyLessonArgs(int steps) {
  QStringList args = test::kTinyRunArgs;
  args.removeAll("--preset");
  args.removeAll("v2");
  return args + QStringList{"--steps", QString::number(steps), "--seeds", "1", "--eval-bank", "32", "--eval-test", "16"};
}

// Chooses the lesson `name` in the Lessons menu, points its dialog at `folder` and clicks Run.
void runFromMenu(MainWindow& w, const char* name, const QString& folder) {
  test::action(w, (QByteArray("lesson:") + name).constData())->trigger();
  auto* dialog = find<LessonDialog>(w, "lessonDialog");
  find<QLineEdit>(*dialog, "lessonFolder")->setText(folder);
  dialog->runButton()->click();
}
}  // namespace

class TestGuiSweep : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    test::isolate_settings("tst_gui_sweep");
    test::use_workbench_look();
    QVERIFY(sweepDir_.isValid());
    const auto made = test::run_moco_train(test::kTinyRunArgs + kSweepArgs + QStringList{"--out", sweepDir_.path()});
    QVERIFY2(made.code == 0, qPrintable(made.err));
  }

  void opensEveryArmAsARun() {
    MainWindow w(test::gui_config());
    QVERIFY(sweeps(w)->openSweepFolder(sweepDir_.path()));
    QVERIFY2(!banner(w)->isVisible(), qPrintable(banner(w)->text()));
    const SweepFolder folder(sweepDir_.path().toStdString());
    const auto arms = folder.arms();
    QCOMPARE(int(arms.size()), 4);
    QCOMPARE(test::run_count(w), 4);
    for (int row = 0; row < 4; ++row) {
      QCOMPARE(test::run_cell(w, row, "Run"), QString::fromStdString(arms[row].name));
      QCOMPARE(test::run_cell(w, row, "Status"), QString("finished"));
    }
    QCOMPARE(find<QTabWidget>(w, "views")->currentWidget(), find<QWidget>(w, "sweep"));
    QVERIFY(sweeps(w)->openSweepFolder(sweepDir_.path()));
    QCOMPARE(test::run_count(w), 4);  // opened again: the same runs, not four more
  }

  void chartShowsTheSummary() {
    MainWindow w(test::gui_config());
    QVERIFY(sweeps(w)->openSweepFolder(sweepDir_.path()));
    const SweepFolder folder(sweepDir_.path().toStdString());
    const SweepSummary summary = folder.read_summary(folder.arms());
    QCOMPARE(int(summary.settings.size()), 2);
    const QVector<double> bars = chart(w)->barValues();
    QCOMPARE(bars.size(), 2);
    for (int i = 0; i < 2; ++i) {
      QVERIFY(!std::isnan(summary.settings[i].final_knn.mean));
      QCOMPARE(bars[i], 100.0 * summary.settings[i].final_knn.mean);
    }
    QCOMPARE(chart(w)->errorBarCount(), 2);  // two seeds each: mean ± sd
    QCOMPARE(chart(w)->tickLabels().size(), 2);
    QCOMPARE(chart(w)->floorLabels().size(), 2);
    QVERIFY(chart(w)->floorLabels().join(' ').contains("raw pixels"));
    QVERIFY(chart(w)->floorLabels().join(' ').contains("random encoder"));
    auto* table = find<QTableWidget>(w, "sweepTable");
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 0)->text(), QString::fromStdString(summary.settings[0].setting));
    QVERIFY(table->item(0, 2)->text().contains(QString::fromUtf8("±")));
    if (const QString png = qEnvironmentVariable("MOCO_SWEEP_SCREENSHOT"); !png.isEmpty()) {
      w.resize(1400, 900);
      w.show();
      QTest::qWait(500);
      QVERIFY(w.grab().save(png));
    }
  }

  void aFolderWithoutPlanSaysWhy() {
    MainWindow w(test::gui_config());
    QTemporaryDir empty;
    QVERIFY(!sweeps(w)->openSweepFolder(empty.path()));
    QVERIFY(banner(w)->isVisibleTo(&w));
    QVERIFY2(banner(w)->text().contains("sweep.json"), qPrintable(banner(w)->text()));
    QCOMPARE(test::run_count(w), 0);
  }

  void aMalformedPlanNamesTheFile() {
    MainWindow w(test::gui_config());
    QTemporaryDir dir;
    QFile plan(dir.filePath("sweep.json"));
    QVERIFY(plan.open(QIODevice::WriteOnly));
    plan.write("{\"axes\": [oops");
    plan.close();
    QVERIFY(!sweeps(w)->openSweepFolder(dir.path()));
    QVERIFY2(banner(w)->text().contains(dir.filePath("sweep.json")), qPrintable(banner(w)->text()));
    QCOMPARE(test::run_count(w), 0);
  }

  void aFollowedSweepEndsWithEveryStepOnce() {
    // Read while moco-train writes it: arms appear as runs and grow by appending what is new; at the
    // end each run holds each step once, as the folder does.
    RunList runs;
    SweepRuns sweep(&runs);
    QTemporaryDir dir;
    const QString folder = dir.filePath("growing");
    QProcess train;
    train.start(MOCO_TRAIN_PATH, test::kTinyRunArgs + QStringList{"--sweep", "moco.momentum=0.9,0.99", "--steps", "40",
                                                                  "--eval-bank", "32", "--eval-test", "16", "-q", "--out", folder});
    sweep.follow(folder);
    QVERIFY(sweep.isWatching());
    QTRY_VERIFY_WITH_TIMEOUT(train.state() == QProcess::NotRunning, kLessonTimeoutMs);
    QCOMPARE(train.exitCode(), 0);
    sweep.setWatching(false);  // reads what the last arm wrote
    QCOMPARE(sweep.finishedCount(), 2);
    QCOMPARE(int(runs.runs().size()), 2);
    for (const auto& run : runs.runs()) {
      QCOMPARE(run->metrics.size(), 40);
      for (int i = 0; i < run->metrics.size(); ++i) QCOMPARE(run->metrics[i].step, int64_t(i + 1));
      QCOMPARE(run->status, QString("finished"));
      QVERIFY(!run->evals.isEmpty());
    }
  }

  void anArmStoppedBetweenTwoRefreshesIsNotLeftRunning() {
    // Stop arrives while an arm runs and its files have not changed since the last refresh: once
    // nothing is watched, no arm may still say "running" (the status was kept with the stale files).
    RunList runs;
    SweepRuns sweep(&runs);
    QTemporaryDir dir;
    const QString folder = dir.filePath("stopped");
    const auto wrote = test::run_moco_train(test::kTinyRunArgs + kSweepArgs + QStringList{"--out", folder});
    QVERIFY2(wrote.code == 0, qPrintable(wrote.err));
    sweep.follow(folder);
    QCOMPARE(int(runs.runs().size()), 4);
    const Run* arm = runs.runs().front().get();
    QVERIFY(QFile::remove(arm->folder + "/" + SweepFolder::kArmFinishedFile));  // as if it had been stopped mid-way
    sweep.refresh();
    QCOMPARE(arm->status, QString("unfinished"));
    sweep.setRunningArm(arm->name);
    QCOMPARE(arm->status, QString("running"));
    sweep.setWatching(false);  // the lesson ended (stopped); nothing changed on disk since
    QCOMPARE(arm->status, QString("unfinished"));
    QVERIFY(sweep.runningArm().isEmpty());
  }

  void theLessonsMenuListsEveryLesson() {
    MainWindow w(test::gui_config());
    QStringList titles;
    for (QAction* a : find<QMenu>(w, "lessonsMenu")->actions()) titles << a->text();
    QCOMPARE(titles.size(), int(lesson_names().size()));
    for (const auto& name : lesson_names())
      QVERIFY2(titles.contains(QString::fromStdString(lesson_by_name(name).title) + "…"), name.c_str());
  }

  void aLessonDialogSaysWhatItRuns() {
    MainWindow w(test::gui_config());
    test::action(w, "lesson:momentum")->trigger();
    auto* dialog = find<LessonDialog>(w, "lessonDialog");
    const Lesson lesson = lesson_by_name("momentum");
    const auto arms = expand_sweep(lesson_plan(lesson, cuda_available()));
    QVERIFY(find<QLabel>(*dialog, "lessonTitle")->text().contains(QString::fromStdString(lesson.title)));
    QCOMPARE(find<QLabel>(*dialog, "lessonLookFor")->text(), QString::fromStdString(lesson.look_for));
    QVERIFY(find<QLabel>(*dialog, "lessonArms")->text().startsWith(QString::number(arms.size()) + " ("));
    const QString time = find<QLabel>(*dialog, "lessonTime")->text();
    QVERIFY2(time.contains(cuda_available() ? "GPU" : "CPU"), qPrintable(time));
    QVERIFY(dialog->folder().endsWith("lessons/momentum"));
    QCOMPARE(dialog->runButton()->text(), QString("Run"));
    if (const QString png = qEnvironmentVariable("MOCO_LESSON_SCREENSHOT"); !png.isEmpty()) QVERIFY(dialog->grab().save(png));
    dialog->reject();
    // Where moco-train will find a GPU, the dialog says the lesson is scaled for it.
    LessonDialog gpu(lesson, true, "lessons/momentum");
    QVERIFY(find<QLabel>(gpu, "lessonTime")->text().contains(QStringLiteral("×%1 for the GPU").arg(lesson.gpu_scale)));
    QVERIFY(find<QLabel>(gpu, "lessonArms")->text().contains(QStringLiteral("%1 steps").arg(lesson.plan.steps * lesson.gpu_scale)));
  }

  void aLessonRunsAndFillsTheSweepTab() {
    MainWindow w(test::gui_config());
    SweepProcess* process = sweeps(w)->process();
    process->setProgram(MOCO_TRAIN_PATH);
    process->setExtraArguments(tinyLessonArgs(2));
    QSignalSpy arms(process, &SweepProcess::armStarted), finished(process, &SweepProcess::finished);
    QTemporaryDir dir;
    runFromMenu(w, "momentum", dir.filePath("momentum"));
    QVERIFY2(process->isRunning(), qPrintable(banner(w)->text()));
    QTRY_VERIFY_WITH_TIMEOUT(find<QLabel>(w, "lessonProgress")->text().contains("arm 1/4"), kLessonTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kLessonTimeoutMs);
    QVERIFY2(finished.front().front().toInt() == 0, qPrintable(process->lastLine()));
    QCOMPARE(arms.size(), 4);
    QCOMPARE(test::run_count(w), 4);
    const QVector<double> bars = chart(w)->barValues();
    QCOMPARE(bars.size(), 4);
    for (double bar : bars) QVERIFY(!std::isnan(bar));
    QCOMPARE(chart(w)->errorBarCount(), 0);  // one seed: no spread to show
    QVERIFY(find<QLabel>(w, "sweepLesson")->text().contains(QString::fromStdString(lesson_by_name("momentum").title)));
    QVERIFY(!find<QLabel>(w, "lessonProgress")->isVisibleTo(&w));
  }

  void aStoppedLessonResumes() {
    MainWindow w(test::gui_config());
    SweepProcess* process = sweeps(w)->process();
    process->setProgram(MOCO_TRAIN_PATH);
    // Arms long enough (seconds each) that the 2 s folder poll sees one training on a quiet machine.
    process->setExtraArguments(tinyLessonArgs(300));
    QSignalSpy finished(process, &SweepProcess::finished);
    QTemporaryDir dir;
    runFromMenu(w, "momentum", dir.filePath("momentum"));
    const auto runningRow = [&w] {
      for (int row = 0; row < test::run_count(w); ++row)
        if (test::run_cell(w, row, "Status") == "running") return row;
      return -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(runningRow() >= 0, kLessonTimeoutMs);  // an arm is training
    const int stopped = runningRow();
    find<QPushButton>(w, "stopLesson")->click();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kLessonTimeoutMs);
    QCOMPARE(finished.front().front().toInt(), int(SweepProcess::kInterruptedCode));
    QVERIFY2(banner(w)->text().contains("resume"), qPrintable(banner(w)->text()));
    QCOMPARE(test::run_cell(w, stopped, "Status"), QString("unfinished"));
    const SweepFolder folder(dir.filePath("momentum").toStdString());
    int finishedArms = 0;
    for (const auto& arm : folder.arms()) finishedArms += folder.arm_finished(arm);
    QVERIFY(finishedArms < 4);
    runFromMenu(w, "momentum", dir.filePath("momentum"));  // the dialog now offers to resume
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, kLessonTimeoutMs);
    QVERIFY2(finished.back().front().toInt() == 0, qPrintable(process->lastLine()));
    for (const auto& arm : folder.arms()) QVERIFY(folder.arm_finished(arm));
    QCOMPARE(test::run_count(w), 4);
  }

  void aMissingMocoTrainSaysWhere() {
    SweepProcess process;
    process.setProgram("/nonexistent/moco-train");
    QSignalSpy failed(&process, &SweepProcess::failed);
    QTemporaryDir dir;
    process.start("momentum", dir.path());
    QCOMPARE(failed.size(), 1);
    QVERIFY(failed.front().front().toString().contains("/nonexistent/moco-train"));
    QVERIFY(!process.isRunning());
  }

 private:
  QTemporaryDir sweepDir_;
};

QTEST_MAIN(TestGuiSweep)
#include "tst_gui_sweep.moc"
