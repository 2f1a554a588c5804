// The workbench window end to end, headless: the form edits the config and validates it, Start
// trains on a tiny synthetic set and the plots fill, Pause/Resume/Step/Stop do what they say, live
// changes reach the engine, errors appear in the window, and closing while training neither hangs
// nor crashes. Torch-free: it links only moco_ui. The views and the analysis plots are in
// tst_gui_views, the dataset picker in tst_gui_data, run and experiment files in tst_gui_files.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest/QtTest>
#include <atomic>
#include <cmath>
#include <memory>

#include "api/analysis.h"
#include "api/config.h"
#include "background.h"
#include "gui_test_support.h"
#include "experiment_panel.h"
#include "main_window.h"
#include "message_banner.h"
#include "momentum_control.h"
#include "palette.h"
#include "plots/eval_plot.h"
#include "plots/loss_plot.h"
#include "plots/plot_grid.h"
#include "session_controller.h"

using namespace moco;

using test::action;
using test::find;
using test::kTrainTimeoutMs;
using test::session_state;

using test::banner;
using test::eval_plot;
using test::loss_plot;
using test::panel;

class TestGui : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    test::isolate_settings("tst_gui");
    test::use_workbench_look();
  }

  void windowBuilds() {
    MainWindow w(test::gui_config());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(panel(w)->isValid());
    QVERIFY(action(w, "start")->isEnabled());
    QVERIFY(!action(w, "stop")->isEnabled());
    // The six step-metric plots, plus the age histogram and the evaluation plots.
    QCOMPARE(find<PlotGrid>(w, "training-curves")->findChildren<MetricPlot*>().size(), qsizetype(6));
    QCOMPARE(loss_plot(w)->pointCount(), 0);
  }

  // The look comes from resources/: every palette name in workbench.qss resolves, the SVG icons
  // render (Qt's SVG plugin is there), and the sheet's rules reach the widgets that select them.
  void lookComesFromTheResources() {
    const QString sheet = qApp->styleSheet();
    QVERIFY(sheet.contains("#fieldFrame"));
    QVERIFY2(!sheet.contains('@'), qPrintable(sheet));
    QVERIFY(!style::appIcon().pixmap(48).isNull());
    MainWindow w(test::gui_config());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    for (const char* name : {"start", "pause", "step", "stop", "reset"})
      QVERIFY2(!action(w, name)->icon().pixmap(16).isNull(), name);
    // The banner's background, in its left margin, follows its level.
    MessageBanner* banner = ::banner(w);
    const auto background = [banner] { return banner->grab().toImage().pixelColor(5, banner->height() / 2).name(); };
    banner->show(MessageBanner::Level::Error, "Error", "the first message");
    QCOMPARE(background(), palette::errorTint().name());
    banner->show(MessageBanner::Level::Info, "Info", "the second message");
    QCOMPARE(background(), palette::infoTint().name());
  }

  void fieldsEditTheConfig() {
    MainWindow w(test::gui_config());
    auto* momentum = w.findChild<QDoubleSpinBox*>("moco.momentum.spin");
    auto* slider = w.findChild<QSlider*>("moco.momentum.slider");
    auto* queue = w.findChild<QSpinBox*>("moco.queue_size");
    QVERIFY(momentum && slider && queue);
    momentum->setValue(0.999);
    QCOMPARE(panel(w)->config().moco.momentum, 0.999);
    QCOMPARE(slider->value(), 300);  // -log10(1 - 0.999) = 3 decades
    slider->setValue(slider->minimum());
    QCOMPARE(panel(w)->config().moco.momentum, 0.0);  // the paper's failing m = 0 is reachable
    slider->setValue(slider->maximum());
    QVERIFY(qAbs(panel(w)->config().moco.momentum - 0.9999) < 1e-9);
    queue->setValue(128);
    QCOMPARE(panel(w)->config().moco.queue_size, int64_t(128));
    auto* tau = w.findChild<QDoubleSpinBox*>("moco.temperature");
    tau->setValue(0.07);
    QCOMPARE(panel(w)->config().moco.temperature, 0.07);
    auto* flip = w.findChild<QCheckBox*>("augment.flip_p.on");
    flip->setChecked(false);
    QCOMPARE(panel(w)->config().augment.flip_p, 0.0);
    flip->setChecked(true);
    QCOMPARE(panel(w)->config().augment.flip_p, 0.5);
  }

  // CUDA can be chosen exactly when LibTorch sees a GPU (here, without one, it is a disabled item
  // that says why); the run's other devices always can.
  void deviceComboOffersCudaOnlyWithAGpu() {
    MainWindow w(test::gui_config());
    auto* device = w.findChild<QComboBox*>("run.device");
    QVERIFY(device);
    auto* items = qobject_cast<QStandardItemModel*>(device->model());
    QVERIFY(items);
    const int cuda = device->findData("cuda");
    QVERIFY(cuda >= 0);
    QCOMPARE(items->item(cuda)->isEnabled(), cuda_available());
    if (!cuda_available()) QCOMPARE(device->itemData(cuda, Qt::ToolTipRole).toString(), QString("no CUDA GPU seen by LibTorch"));
    for (const char* other : {"auto", "cpu"}) QVERIFY2(items->item(device->findData(other))->isEnabled(), other);
  }

  void presetAppliesTheRecipe() {
    MainWindow w(test::gui_config());
    ExperimentPanel* panel = ::panel(w);
    auto* box = w.findChild<QComboBox*>("preset");
    QVERIFY(box);
    box->setCurrentIndex(box->findData("v1"));
    emit box->activated(box->currentIndex());
    QCOMPARE(panel->config().model.head, HeadType::Linear);
    QCOMPARE(panel->config().moco.temperature, 0.07);
    QCOMPARE(panel->config().data.dataset, DatasetName::Synthetic);  // data is kept
    QCOMPARE(panel->config().run.total_steps, int64_t(1000000));      // and the run's length
  }

  void invalidConfigDisablesStart_data() {
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::newRow("m = 1.5") << "moco.momentum" << "moco.momentum" << "1.5";
    QTest::newRow("batch 18 over 4 BN splits") << "moco.bn_splits" << "optim.batch_size" << "18";
    QTest::newRow("tau = 0") << "moco.temperature" << "moco.temperature" << "0";
    QTest::newRow("idx without folder") << "data.path" << "data.dataset" << "idx";
  }

  void invalidConfigDisablesStart() {
    QFETCH(QString, field);
    QFETCH(QString, key);
    QFETCH(QString, value);
    MainWindow w(test::gui_config());
    w.show();
    Config bad = test::gui_config();
    bad.moco.bn_splits = 4;
    set_config_value(bad, key.toStdString(), value.toStdString());
    panel(w)->setConfig(bad);
    QVERIFY(!action(w, "start")->isEnabled());
    QVERIFY(!action(w, "step")->isEnabled());
    const QString message = panel(w)->issueAt(field);
    QVERIFY2(!message.isEmpty(), qPrintable(panel(w)->problems()));
    auto* label = w.findChild<QLabel*>(field + ".message");
    QVERIFY(label);
    QVERIFY(label->isVisible());
    QVERIFY(label->text().contains(message));
    QVERIFY(find<QWidget>(w, field)->property("invalid").toBool());  // the field's widget is named by its key
    QVERIFY(action(w, "start")->toolTip().contains(field));
    panel(w)->setConfig(test::gui_config());
    QVERIFY(action(w, "start")->isEnabled());
    QVERIFY(!label->isVisible());
  }

  void editingAFieldIntoAnInvalidValueDisablesStart() {
    MainWindow w(test::gui_config());
    w.show();
    w.findChild<QSpinBox*>("moco.bn_splits")->setValue(3);  // 16 is not divisible by 3
    QVERIFY(!action(w, "start")->isEnabled());
    QVERIFY(panel(w)->issueAt("moco.bn_splits").contains("divisible"));
    w.findChild<QSpinBox*>("moco.bn_splits")->setValue(4);
    QVERIFY(action(w, "start")->isEnabled());
  }

  void theMemoryEstimateFollowsTheForm() {
    MainWindow w(test::gui_config());
    w.show();
    auto* memory = find<QLabel>(w, "memoryEstimate");
    const QString fits = memory->text();
    QVERIFY2(fits.startsWith("Memory: ~") && fits.contains(" of "), qPrintable(fits));
    auto* queue = find<QSpinBox>(w, "moco.queue_size");
    const int k = queue->value();
    queue->setValue(queue->maximum());  // hundreds of millions of keys: far beyond any desktop
    QVERIFY2(memory->text() != fits && memory->text().contains(" of "), qPrintable(memory->text()));
    QVERIFY(!memory->styleSheet().isEmpty());  // red
    QVERIFY(!action(w, "start")->isEnabled());
    QVERIFY2(panel(w)->issueAt("moco.queue_size").contains("but this machine has"), qPrintable(panel(w)->problems()));
    // MOCO_TEST_SHOTS=DIR keeps a picture of the dock for a person to look at.
    if (const QString shots = qEnvironmentVariable("MOCO_TEST_SHOTS"); !shots.isEmpty())
      QVERIFY(panel(w)->grab().save(QDir(shots).filePath("memory-estimate.png")));
    queue->setValue(k);
    QCOMPARE(memory->text(), fits);
    QVERIFY(action(w, "start")->isEnabled());
  }

  void startPauseResumeStepStop() {
    MainWindow w(test::gui_config());
    w.show();
    action(w, "start")->trigger();
    QVERIFY(!action(w, "start")->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(loss_plot(w)->pointCount() > 0, kTrainTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(test::live_steps(w) >= 3, kTrainTimeoutMs);
    QCOMPARE(session_state(w), QString("running"));

    action(w, "pause")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(session_state(w), QString("paused"), 10000);
    // The last metrics are drained: the window shows every step the engine recorded.
    QTRY_COMPARE_WITH_TIMEOUT(test::live_steps(w), test::recorded_steps(w), 2000);
    const int64_t pausedAt = test::live_steps(w);
    const int points = loss_plot(w)->pointCount();
    QTest::qWait(500);
    QCOMPARE(test::live_steps(w), pausedAt);
    QCOMPARE(loss_plot(w)->pointCount(), points);
    QCOMPARE(action(w, "pause")->text(), QString("Resume"));

    action(w, "pause")->trigger();  // resume
    QTRY_VERIFY_WITH_TIMEOUT(test::live_steps(w) > pausedAt + 2, kTrainTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(session_state(w), QString("running"), 2000);

    action(w, "pause")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(session_state(w), QString("paused"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(test::live_steps(w), test::recorded_steps(w), 2000);
    const int64_t before = test::live_steps(w);
    action(w, "step")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(test::live_steps(w), before + 1, 10000);
    QTest::qWait(400);
    QCOMPARE(test::live_steps(w), before + 1);  // exactly one
    QCOMPARE(session_state(w), QString("paused"));

    action(w, "stop")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(session_state(w), QString("stopped"), 10000);
    QVERIFY(action(w, "start")->isEnabled());
    QCOMPARE(test::run_cell(w, test::live_row(w), "Status"), QString("stopped"));
  }

  void stepBeforeStartTrainsOneStep() {
    MainWindow w(test::gui_config());
    action(w, "step")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(test::live_steps(w), int64_t(1), kTrainTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(session_state(w), QString("paused"), 5000);
    QTest::qWait(300);
    QCOMPARE(test::live_steps(w), int64_t(1));
  }

  // Read from the metrics the engine reports for each step (the m and τ it trained with), as the
  // run list holds them for Save run and Export.
  void liveMomentumReachesTheEngine() {
    MainWindow w(test::gui_config());
    action(w, "start")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(test::live_steps(w) >= 2, kTrainTimeoutMs);
    const auto last = [&w] { return test::select_run(w, test::live_row(w))->metrics.back(); };
    QCOMPARE(last().momentum, 0.99);
    w.findChild<QDoubleSpinBox*>("moco.momentum.spin")->setValue(0.5);
    QTRY_COMPARE_WITH_TIMEOUT(last().momentum, 0.5, 10000);
    w.findChild<QDoubleSpinBox*>("moco.temperature")->setValue(0.3);
    QTRY_COMPARE_WITH_TIMEOUT(last().temperature, 0.3, 10000);
    QCOMPARE(last().momentum, 0.5);  // the session keeps the earlier live change
    // A field that is not live leaves the running session alone: its steps still use K = 64
    // (the chance level ln(K + 1) they report).
    const double chanceAt64 = last().chance_loss;
    QCOMPARE(chanceAt64, std::log(64.0 + 1.0) * (test::gui_config().moco.symmetric ? 2.0 : 1.0));
    w.findChild<QSpinBox*>("moco.queue_size")->setValue(32);
    const int64_t editedAt = test::live_steps(w);
    QTRY_VERIFY_WITH_TIMEOUT(test::live_steps(w) >= editedAt + 2, kTrainTimeoutMs);
    QCOMPARE(last().chance_loss, chanceAt64);
  }

  void failedRunShowsAMessageAndStaysUsable() {
    MainWindow w(test::gui_config());
    w.show();
    Config missing = test::gui_config();
    missing.data.dataset = DatasetName::Idx;
    missing.data.path = "/nonexistent/moco-data";
    panel(w)->setConfig(missing);
    QVERIFY(action(w, "start")->isEnabled());
    action(w, "start")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(session_state(w), QString("failed"), kTrainTimeoutMs);
    QTRY_VERIFY(banner(w)->isVisible());
    QVERIFY2(banner(w)->text().contains("nonexistent"), qPrintable(banner(w)->text()));
    QVERIFY(action(w, "start")->isEnabled());
    panel(w)->setConfig(test::gui_config());
    action(w, "start")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(test::live_steps(w) >= 1, kTrainTimeoutMs);
    QVERIFY(!banner(w)->isVisible());
  }

  void aJobDroppedWithItsSessionStillReports() {
    // A finished run serves jobs on its final model; one still queued when the session goes (a new
    // run, Reset) must report instead of leaving its caller waiting.
    SessionController controller;
    Config c = test::gui_config();
    c.run.total_steps = 2;
    controller.start(c);
    QTRY_COMPARE_WITH_TIMEOUT(controller.state(), SessionState::Finished, kTrainTimeoutMs);
    std::atomic<bool> firstStarted{false};
    QString firstError = "pending", secondError = "pending";
    QVERIFY(controller.runJob([&](Trainer&) { firstStarted = true; QThread::msleep(300); },
                              [&](const QString& e) { firstError = e; }));
    QTRY_VERIFY_WITH_TIMEOUT(firstStarted.load(), 10000);
    QVERIFY(controller.runJob([](Trainer&) {}, [&](const QString& e) { secondError = e; }));
    // Retires the session off the GUI thread: the first job finishes there, the second never runs,
    // and the window does not wait for either.
    QElapsedTimer resetting;
    resetting.start();
    controller.reset();
    QVERIFY2(resetting.elapsed() < 150, qPrintable(QString("reset took %1 ms").arg(resetting.elapsed())));
    QTRY_COMPARE_WITH_TIMEOUT(firstError, QString(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(secondError != "pending", 10000);
    QVERIFY2(secondError.contains("ended before the job ran"), qPrintable(secondError));
  }

  void backgroundJobsLeaveQtsPoolAndTheWindowFirst() {
    // Qt 6.4 draws large fills on its global pool and waits for them on the GUI thread: our jobs
    // must not occupy it. And they run below the GUI thread's priority (api/background_priority.h).
    std::atomic<bool> release{false}, running{false};
    std::atomic<int> jobNice{-100};
    const int guiNice = getpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)));
    startInPool([&] {
      jobNice = getpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)));
      running = true;
      while (!release) QThread::msleep(5);
    });
    QTRY_VERIFY_WITH_TIMEOUT(running.load(), 5000);
    QCOMPARE(QThreadPool::globalInstance()->activeThreadCount(), 0);
    QCOMPARE(backgroundPool()->activeThreadCount(), 1);
    QCOMPARE(jobNice.load(), std::min(19, guiNice + kBackgroundNiceSteps));
    release = true;
    QVERIFY(backgroundPool()->waitForDone(5000));
    // Lowering is idempotent: a pool thread reused for another job is not lowered again.
    startInPool([&] { jobNice = getpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid))); });
    QVERIFY(backgroundPool()->waitForDone(5000));
    QCOMPARE(jobNice.load(), std::min(19, guiNice + kBackgroundNiceSteps));
  }

  void closingWhileTrainingIsClean() {
    auto* w = new MainWindow(test::gui_config());
    w->show();
    action(*w, "start")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(test::live_steps(*w) >= 2, kTrainTimeoutMs);
    QElapsedTimer timer;
    timer.start();
    w->close();
    delete w;
    qInfo("closing a training window took %lld ms", timer.elapsed());
    QVERIFY(timer.elapsed() < 10000);
  }

  void resetClearsThePlots() {
    MainWindow w(test::gui_config());
    action(w, "start")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(test::live_steps(w) >= 2, kTrainTimeoutMs);
    action(w, "reset")->trigger();
    QCOMPARE(session_state(w), QString("idle"));
    QCOMPARE(test::run_count(w), 0);  // the live run is forgotten
    QCOMPARE(loss_plot(w)->pointCount(), 0);
    QVERIFY(action(w, "start")->isEnabled());
  }

  void momentumScale() {
    QCOMPARE(MomentumControl::toSlider(0.0), 0.0);
    QVERIFY(qAbs(MomentumControl::toSlider(0.99) - 2.0) < 1e-9);
    QCOMPARE(MomentumControl::toSlider(1.0), 4.0);
    QVERIFY(qAbs(MomentumControl::fromSlider(3.0) - 0.999) < 1e-12);
  }
};

QTEST_MAIN(TestGui)
#include "tst_gui.moc"
