// The workbench window end to end, headless: the form edits the config and validates it, Start
// trains on a tiny synthetic set and the plots fill, Pause/Resume/Step/Stop do what they say, live
// changes reach the engine, errors appear in the window, runs round-trip through folders, and
// closing while training neither hangs nor crashes. Torch-free: it links only moco_ui.
#include <QAction>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <memory>

#include "config.h"
#include "tiny_config.h"
#include "config_binder.h"
#include "dataset_cache.h"
#include "eval_monitor.h"
#include "experiment_panel.h"
#include "file_actions.h"
#include "main_window.h"
#include "message_banner.h"
#include "metrics_log.h"
#include "momentum_control.h"
#include "plots/consistency_plot.h"
#include "plots/eval_plot.h"
#include "plots/loss_plot.h"
#include "plots/plot_grid.h"
#include "plots/queue_age_histogram.h"
#include "run.h"
#include "run_files.h"
#include "session_controller.h"
#include "training_actions.h"
#include "views/augment_pairs_view.h"
#include "views/neighbours_view.h"
#include "views/tsne_view.h"

using namespace moco;

namespace {

constexpr int kTrainTimeoutMs = 60000;  // loading + first steps on a busy 2-core machine

// The tests' tiny MoCo v2 on one thread, long enough that it never finishes by itself.
Config tinyConfig() {
  Config c = test::tiny_config();
  c.run.threads = 1;
  c.run.total_steps = 1000000;
  return c;
}

int64_t liveSteps(MainWindow& w) { return w.liveRun() ? w.liveRun()->metrics.size() : 0; }

}  // namespace

class TestGui : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // QSettings go to a test location
    QCoreApplication::setOrganizationName("MoCo Workbench Tests");
    QCoreApplication::setApplicationName("tst_gui");
  }

  void windowBuilds() {
    MainWindow w(tinyConfig());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.experimentPanel()->isValid());
    QVERIFY(w.trainingActions()->start()->isEnabled());
    QVERIFY(!w.trainingActions()->stop()->isEnabled());
    QCOMPARE(w.plots()->plots().size(), size_t(6));  // plus the age histogram and the kNN plot
    QCOMPARE(w.plots()->lossPlot()->pointCount(), 0);
  }

  void fieldsEditTheConfig() {
    MainWindow w(tinyConfig());
    auto* momentum = w.findChild<QDoubleSpinBox*>("moco.momentum.spin");
    auto* slider = w.findChild<QSlider*>("moco.momentum.slider");
    auto* queue = w.findChild<QSpinBox*>("moco.queue_size");
    QVERIFY(momentum && slider && queue);
    momentum->setValue(0.999);
    QCOMPARE(w.experimentPanel()->config().moco.momentum, 0.999);
    QCOMPARE(slider->value(), 300);  // -log10(1 - 0.999) = 3 decades
    slider->setValue(slider->minimum());
    QCOMPARE(w.experimentPanel()->config().moco.momentum, 0.0);  // the paper's failing m = 0 is reachable
    slider->setValue(slider->maximum());
    QVERIFY(qAbs(w.experimentPanel()->config().moco.momentum - 0.9999) < 1e-9);
    queue->setValue(128);
    QCOMPARE(w.experimentPanel()->config().moco.queue_size, int64_t(128));
    auto* tau = w.findChild<QDoubleSpinBox*>("moco.temperature");
    tau->setValue(0.07);
    QCOMPARE(w.experimentPanel()->config().moco.temperature, 0.07);
    auto* flip = w.findChild<QCheckBox*>("augment.flip_p.on");
    flip->setChecked(false);
    QCOMPARE(w.experimentPanel()->config().augment.flip_p, 0.0);
    flip->setChecked(true);
    QCOMPARE(w.experimentPanel()->config().augment.flip_p, 0.5);
  }

  void presetAppliesTheRecipe() {
    MainWindow w(tinyConfig());
    ExperimentPanel* panel = w.experimentPanel();
    auto* preset = panel->binder()->widget("preset");
    QVERIFY(preset);
    auto* box = qobject_cast<QComboBox*>(preset);
    box->setCurrentIndex(box->findData("v1"));
    emit box->activated(box->currentIndex());
    QCOMPARE(panel->config().model.head, std::string("linear"));
    QCOMPARE(panel->config().moco.temperature, 0.07);
    QCOMPARE(panel->config().data.dataset, std::string("synthetic"));  // data is kept
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
    MainWindow w(tinyConfig());
    w.show();
    Config bad = tinyConfig();
    bad.moco.bn_splits = 4;
    set_config_value(bad, key.toStdString(), value.toStdString());
    w.experimentPanel()->setConfig(bad);
    QVERIFY(!w.trainingActions()->start()->isEnabled());
    QVERIFY(!w.trainingActions()->step()->isEnabled());
    const QString message = w.experimentPanel()->issueAt(field);
    QVERIFY2(!message.isEmpty(), qPrintable(w.experimentPanel()->problems()));
    auto* label = w.findChild<QLabel*>(field + ".message");
    QVERIFY(label);
    QVERIFY(label->isVisible());
    QVERIFY(label->text().contains(message));
    QVERIFY(w.experimentPanel()->binder()->widget(field)->property("invalid").toBool());
    QVERIFY(w.trainingActions()->start()->toolTip().contains(field));
    w.experimentPanel()->setConfig(tinyConfig());
    QVERIFY(w.trainingActions()->start()->isEnabled());
    QVERIFY(!label->isVisible());
  }

  void editingAFieldIntoAnInvalidValueDisablesStart() {
    MainWindow w(tinyConfig());
    w.show();
    w.findChild<QSpinBox*>("moco.bn_splits")->setValue(3);  // 16 is not divisible by 3
    QVERIFY(!w.trainingActions()->start()->isEnabled());
    QVERIFY(w.experimentPanel()->issueAt("moco.bn_splits").contains("divisible"));
    w.findChild<QSpinBox*>("moco.bn_splits")->setValue(4);
    QVERIFY(w.trainingActions()->start()->isEnabled());
  }

  void startPauseResumeStepStop() {
    MainWindow w(tinyConfig());
    w.show();
    SessionController* c = w.controller();
    w.trainingActions()->start()->trigger();
    QVERIFY(!w.trainingActions()->start()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(w.plots()->lossPlot()->pointCount() > 0, kTrainTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(liveSteps(w) >= 3, kTrainTimeoutMs);
    QCOMPARE(c->state(), SessionState::Running);

    w.trainingActions()->pause()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(c->state(), SessionState::Paused, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(liveSteps(w), c->stepsDone(), 2000);  // the last metrics are drained
    const int64_t pausedAt = liveSteps(w);
    const int points = w.plots()->lossPlot()->pointCount();
    QTest::qWait(500);
    QCOMPARE(liveSteps(w), pausedAt);
    QCOMPARE(w.plots()->lossPlot()->pointCount(), points);
    QCOMPARE(w.trainingActions()->pause()->text(), QString("Resume"));

    w.trainingActions()->pause()->trigger();  // resume
    QTRY_VERIFY_WITH_TIMEOUT(liveSteps(w) > pausedAt + 2, kTrainTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(c->state(), SessionState::Running, 2000);

    w.trainingActions()->pause()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(c->state(), SessionState::Paused, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(liveSteps(w), c->stepsDone(), 2000);
    const int64_t before = liveSteps(w);
    w.trainingActions()->step()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(liveSteps(w), before + 1, 10000);
    QTest::qWait(400);
    QCOMPARE(liveSteps(w), before + 1);  // exactly one
    QCOMPARE(c->state(), SessionState::Paused);

    w.trainingActions()->stop()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(c->state(), SessionState::Stopped, 10000);
    QVERIFY(w.trainingActions()->start()->isEnabled());
    QCOMPARE(w.liveRun()->status, QString("stopped"));
  }

  void stepBeforeStartTrainsOneStep() {
    MainWindow w(tinyConfig());
    w.trainingActions()->step()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(liveSteps(w), int64_t(1), kTrainTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), SessionState::Paused, 5000);
    QTest::qWait(300);
    QCOMPARE(liveSteps(w), int64_t(1));
  }

  void liveMomentumReachesTheEngine() {
    MainWindow w(tinyConfig());
    w.trainingActions()->start()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(liveSteps(w) >= 2, kTrainTimeoutMs);
    QCOMPARE(w.controller()->lastMetrics().momentum, 0.99);
    w.findChild<QDoubleSpinBox*>("moco.momentum.spin")->setValue(0.5);
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->lastMetrics().momentum, 0.5, 10000);
    w.findChild<QDoubleSpinBox*>("moco.temperature")->setValue(0.3);
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->lastMetrics().temperature, 0.3, 10000);
    QCOMPARE(w.controller()->config().moco.momentum, 0.5);  // what "Save run" records
    // A field that is not live leaves the running session alone.
    w.findChild<QSpinBox*>("moco.queue_size")->setValue(32);
    QTest::qWait(200);
    QCOMPARE(w.controller()->config().moco.queue_size, int64_t(64));
  }

  void failedRunShowsAMessageAndStaysUsable() {
    MainWindow w(tinyConfig());
    w.show();
    Config missing = tinyConfig();
    missing.data.dataset = "idx";
    missing.data.path = "/nonexistent/moco-data";
    w.experimentPanel()->setConfig(missing);
    QVERIFY(w.trainingActions()->start()->isEnabled());
    w.trainingActions()->start()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), SessionState::Failed, kTrainTimeoutMs);
    QTRY_VERIFY(w.banner()->isVisible());
    QVERIFY2(w.banner()->text().contains("nonexistent"), qPrintable(w.banner()->text()));
    QVERIFY(w.trainingActions()->start()->isEnabled());
    w.experimentPanel()->setConfig(tinyConfig());
    w.trainingActions()->start()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(liveSteps(w) >= 1, kTrainTimeoutMs);
    QVERIFY(!w.banner()->isVisible());
  }

  void closingWhileTrainingIsClean() {
    auto* w = new MainWindow(tinyConfig());
    w->show();
    w->trainingActions()->start()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(liveSteps(*w) >= 2, kTrainTimeoutMs);
    QElapsedTimer timer;
    timer.start();
    w->close();
    delete w;
    qInfo("closing a training window took %lld ms", timer.elapsed());
    QVERIFY(timer.elapsed() < 10000);
  }

  void eventLoopStallWhileTrainingAndMapping() {
    MainWindow w(tinyConfig());
    w.show();
    w.trainingActions()->start()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(liveSteps(w) >= 2, kTrainTimeoutMs);
    // A 5 ms probe timer: the longest gap between its ticks is the longest the GUI was unresponsive
    // (plots replotting, metrics draining, t-SNE frames drawn) while the worker trains.
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0, worst = 0, ticks = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    connect(&probe, &QTimer::timeout, [&] {
      const qint64 now = clock.elapsed();
      worst = std::max(worst, now - last);
      last = now;
      ++ticks;
    });
    int64_t from = liveSteps(w);
    last = clock.elapsed();
    probe.start(5);
    QTest::qWait(3000);
    qInfo("longest event-loop stall while training: %lld ms (%lld probe ticks, %lld steps in 3 s)", worst, ticks,
          (long long)(liveSteps(w) - from));
    QVERIFY(ticks > 0);

    // Now with t-SNE mapping on the t-SNE tab; the step gives up the threads t-SNE takes meanwhile.
    TsneView* tsne = w.tsneView();
    w.views()->setCurrentWidget(tsne);
    QSignalSpy threads(tsne, &TsneView::mappingChanged);
    QSignalSpy mapped(tsne, &TsneView::mapped);
    worst = ticks = 0;
    from = liveSteps(w);
    tsne->snapshot();
    QTRY_VERIFY_WITH_TIMEOUT(mapped.size() == 1, kTrainTimeoutMs);
    probe.stop();
    qInfo("longest event-loop stall while training and mapping: %lld ms (%lld probe ticks, %lld steps)", worst, ticks,
          (long long)(liveSteps(w) - from));
    QVERIFY(ticks > 0);
    QCOMPARE(threads.size(), 2);
    QVERIFY(threads.front().front().toInt() >= 1);
    QCOMPARE(threads.back().front().toInt(), 0);
    QCOMPARE(w.controller()->trainingThreads(), 1);  // tinyConfig trains on one thread
  }

  void runFolderRoundTrip() {
    QTemporaryDir dir;
    MainWindow w(tinyConfig());
    w.trainingActions()->start()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(liveSteps(w) >= 5, kTrainTimeoutMs);
    w.trainingActions()->stop()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), SessionState::Stopped, 10000);
    Run* run = w.liveRun();
    const QString folder = dir.filePath("run-a");
    w.fileActions()->saveRunTo(run, folder);
    QVERIFY(QFile::exists(folder + "/config.json"));
    QFile csv(folder + "/metrics.csv");
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(QString(csv.readLine()).trimmed().split(',').size(), int(metric_names().size()));
    Run* opened = w.fileActions()->openRunFolder(folder);
    QVERIFY(opened);
    QCOMPARE(opened->metrics.size(), run->metrics.size());
    QCOMPARE(opened->metrics.back().step, run->metrics.back().step);
    QVERIFY(qAbs(opened->metrics.back().loss - run->metrics.back().loss) < 1e-6);
    QCOMPARE(opened->config.moco.queue_size, int64_t(64));
    QVERIFY(QFile::exists(folder + "/metrics.jsonl"));
    QCOMPARE(w.runs()->runs().size(), size_t(2));
    QCOMPARE(w.plots()->lossPlot()->pointCount(), 2 * 2 * int(run->metrics.size()));  // both runs overlaid
  }

  void opensAMocoTrainFolder() {
    // The files moco-train writes: its MetricsLog and to_json.
    QTemporaryDir dir;
    {
      MetricsLog log(dir.path().toStdString(), 0);
      for (int i = 1; i <= 4; ++i) {
        StepMetrics m;
        m.step = i;
        m.loss = 5.0 - 0.1 * i;
        m.chance_loss = 4.17;
        m.queue_fill = 0.25 * i;
        log.append(m);
      }
      // moco-train --eval-every's lines (analysis.h to_json_line).
      log.append_json(R"({"step":0,"floors":{"pixel_knn_top1":0.7,"random_encoder_knn_top1":0.6}})");
      log.append_json(R"({"step":4,"eval":{"knn_top1":0.75,"knn_top5":0.97,"probe_top1":0.8,"alignment":0.9,)"
                      R"("uniformity":-2.1,"queue_consistency":0.97,"queue_consistency_by_age":[{"age":1,"cosine":0.99},)"
                      R"({"age":3,"cosine":0.95}],"seconds":1.5}})");
      QFile config(dir.filePath("config.json"));
      QVERIFY(config.open(QIODevice::WriteOnly));
      config.write(QByteArray::fromStdString(to_json(tinyConfig())));
    }
    MainWindow w(tinyConfig());
    Run* run = w.fileActions()->openRunFolder(dir.path());
    QVERIFY(run);
    QCOMPARE(run->metrics.size(), 4);
    QCOMPARE(run->metrics[2].loss, 4.7);
    QCOMPARE(LossPlot::warmUpEnd(*run), 3);
    QCOMPARE(w.plots()->lossPlot()->pointCount(), 8);
    QVERIFY(run->hasFloors);
    QCOMPARE(run->floors.pixel_knn_top1, 0.7);
    QCOMPARE(run->evals.size(), 1);
    QCOMPARE(run->evals.front().knn.top1, 0.75);
    QCOMPARE(run->evals.front().health.uniformity, -2.1);
    QCOMPARE(w.plots()->accuracyPlot()->pointCount(), 2);  // kNN and probe
    QCOMPARE(w.plots()->healthPlot()->pointCount(), 2);    // alignment and uniformity
    QCOMPARE(w.plots()->consistencyPlot()->pointCount(), 2);  // ages 1 and 3
  }

  void openingANonRunFolderSaysWhy() {
    QTemporaryDir dir;
    MainWindow w(tinyConfig());
    w.show();
    QSignalSpy failed(w.fileActions(), &FileActions::failed);
    QVERIFY(!w.fileActions()->openRunFolder(dir.path()));
    QCOMPARE(failed.size(), 1);
    QVERIFY(w.banner()->isVisible());
    QVERIFY(w.banner()->text().contains("not a run folder"));
  }

  void experimentJsonRoundTrip() {
    QTemporaryDir dir;
    MainWindow w(tinyConfig());
    w.findChild<QDoubleSpinBox*>("moco.momentum.spin")->setValue(0.999);
    const QString path = dir.filePath("e.json");
    w.fileActions()->saveExperimentFile(path);
    QCOMPARE(load_config_file(path.toStdString()).moco.momentum, 0.999);
    w.experimentPanel()->setConfig(preset_v1());
    w.fileActions()->openExperimentFile(path);
    QCOMPARE(w.experimentPanel()->config().moco.momentum, 0.999);
    QCOMPARE(w.findChild<QDoubleSpinBox*>("moco.momentum.spin")->value(), 0.999);
  }

  void resetClearsThePlots() {
    MainWindow w(tinyConfig());
    w.trainingActions()->start()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(liveSteps(w) >= 2, kTrainTimeoutMs);
    w.trainingActions()->reset()->trigger();
    QCOMPARE(w.controller()->state(), SessionState::Idle);
    QVERIFY(!w.liveRun());
    QCOMPARE(w.plots()->lossPlot()->pointCount(), 0);
    QVERIFY(w.trainingActions()->start()->isEnabled());
  }

  void augmentedPairsFollowTheSettings() {
    MainWindow w(tinyConfig());
    AugmentPairsView* pairs = w.pairsView();
    QTRY_VERIFY_WITH_TIMEOUT(pairs->pairCount() > 0, kTrainTimeoutMs);  // before any training
    QSignalSpy updated(pairs, &AugmentPairsView::updated);
    w.findChild<QCheckBox*>("augment.flip_p.on")->setChecked(false);
    QTRY_VERIFY_WITH_TIMEOUT(updated.size() >= 1, 10000);
    QSignalSpy again(pairs, &AugmentPairsView::updated);
    w.findChild<QPushButton*>("resample")->click();
    QTRY_VERIFY_WITH_TIMEOUT(again.size() >= 1, 10000);
  }

  void evaluationFillsItsPlotsAndRoundTrips() {
    MainWindow w(tinyConfig());
    QTRY_VERIFY_WITH_TIMEOUT(w.datasets()->current() != nullptr, kTrainTimeoutMs);
    w.trainingActions()->start()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(liveSteps(w) >= 3, kTrainTimeoutMs);
    w.plots()->evaluateButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(w.liveRun()->evals.size() == 1, kTrainTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(w.liveRun()->hasFloors, kTrainTimeoutMs);
    const EvalReport first = w.liveRun()->evals.front();
    QVERIFY(first.knn.top1 >= 0.0 && first.knn.top1 <= 1.0);
    QVERIFY(first.probe.top1 >= 0.0 && first.probe.top1 <= 1.0);
    QVERIFY(first.health.alignment >= 0.0 && first.health.alignment <= 4.0);  // squared distance of unit vectors
    QVERIFY(first.health.uniformity <= 0.0);
    QVERIFY(!first.consistency.points.empty());
    for (const auto& p : first.consistency.points) QVERIFY(p.age >= 0 && p.cosine >= -1.0001 && p.cosine <= 1.0001);
    QVERIFY(w.liveRun()->floors.pixel_knn_top1 > 0.0);
    QCOMPARE(w.plots()->accuracyPlot()->pointCount(), 2);
    QCOMPARE(w.plots()->healthPlot()->pointCount(), 2);
    QCOMPARE(w.plots()->consistencyPlot()->pointCount(), int(ConsistencyPlot::byAge(first).size()));
    w.findChild<QSpinBox*>("evalEvery")->setValue(3);
    QTRY_VERIFY_WITH_TIMEOUT(w.liveRun()->evals.size() >= 3, kTrainTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(w.plots()->accuracyPlot()->pointCount() >= 6, kTrainTimeoutMs);

    // Saved and reopened, the evaluations come back as they were.
    w.trainingActions()->stop()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), SessionState::Stopped, 10000);
    QTemporaryDir dir;
    w.fileActions()->saveRunTo(w.liveRun(), dir.filePath("run"));
    Run* opened = w.fileActions()->openRunFolder(dir.filePath("run"));
    QVERIFY(opened);
    QCOMPARE(opened->evals.size(), w.liveRun()->evals.size());
    QCOMPARE(opened->evals.front().probe.top1, first.probe.top1);
    QCOMPARE(opened->evals.front().health.alignment, first.health.alignment);
    QCOMPARE(ConsistencyPlot::byAge(opened->evals.front()), ConsistencyPlot::byAge(first));
    QCOMPARE(opened->floors.pixel_knn_top1, w.liveRun()->floors.pixel_knn_top1);
  }

  void tsneAndNeighboursFromTheLiveEncoder() {
    MainWindow w(tinyConfig());
    w.show();
    QTRY_VERIFY_WITH_TIMEOUT(w.datasets()->current() != nullptr, kTrainTimeoutMs);
    TsneView* tsne = w.tsneView();
    w.trainingActions()->start()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(liveSteps(w) >= 2, kTrainTimeoutMs);
    QSignalSpy mapped(tsne, &TsneView::mapped);
    tsne->snapshot();
    QTRY_VERIFY_WITH_TIMEOUT(mapped.size() == 1, kTrainTimeoutMs);
    QCOMPARE(int64_t(tsne->pointCount()), w.datasets()->info().test_size);
    // A second snapshot continues from the first map (warm start) and maps the same points.
    tsne->snapshot();
    QTRY_VERIFY_WITH_TIMEOUT(mapped.size() == 2, kTrainTimeoutMs);
    QCOMPARE(int64_t(tsne->pointCount()), w.datasets()->info().test_size);

    NeighboursView* neighbours = w.neighboursView();
    QSignalSpy searched(neighbours, &NeighboursView::searched);
    emit tsne->imageChosen(Split::Test, 3);  // what a click on a point does
    QCOMPARE(w.views()->currentWidget(), static_cast<QWidget*>(neighbours));
    QTRY_VERIFY_WITH_TIMEOUT(searched.size() == 1, kTrainTimeoutMs);
    QCOMPARE(neighbours->report().training.size(), size_t(8));
    QCOMPARE(neighbours->report().queue.size(), size_t(8));
  }

  void exactQueueAges() {
    double width = 0;
    int64_t never = 0;
    const auto counts = QueueAgeHistogram::exactCounts({0, 0, 1, 2, -1, -1, 2, 2}, 32, &width, &never);
    QCOMPARE(width, 1.0);
    QCOMPARE(never, int64_t(2));
    QCOMPARE(counts, (QVector<double>{2, 1, 3}));
    // 100 ages binned into at most 32 bins of whole steps: 4 steps each.
    std::vector<int64_t> ages(100);
    for (int64_t i = 0; i < 100; ++i) ages[size_t(i)] = i;
    QCOMPARE(QueueAgeHistogram::exactCounts(ages, 32, &width, &never).size(), 25);
    QCOMPARE(width, 4.0);
  }

  void liveHistogramShowsTheEnginesSlotAges() {
    MainWindow w(tinyConfig());
    w.show();
    w.trainingActions()->start()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(liveSteps(w) >= 6, kTrainTimeoutMs);
    QueueAgeHistogram* histogram = w.plots()->ageHistogram();
    QTRY_VERIFY_WITH_TIMEOUT(histogram->isExact(), 10000);
    QCOMPARE(histogram->slotTotal(), 64.0);  // every one of the K slots, written or not
  }

  void approximateQueueAges() {
    double width = 0;
    // A full queue of 64 slots written 16 per step holds ages 0..3, 16 slots each.
    const auto counts = QueueAgeHistogram::approximateCounts(64, 1.0, 3, 32, &width);
    QCOMPARE(width, 1.0);
    QCOMPARE(counts, QVector<double>({16, 16, 16, 16}));
    const auto coarse = QueueAgeHistogram::approximateCounts(1000, 0.5, 99, 10, &width);
    QCOMPARE(width, 10.0);
    QCOMPARE(coarse.size(), 10);
    QCOMPARE(std::accumulate(coarse.begin(), coarse.end(), 0.0), 500.0);
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
