// The workbench's files, headless: a run saved to a folder opens again overlaid on the live one,
// a folder moco-train wrote before the run-folder format moved into core still opens with its
// evaluations and floors, a folder that is not a run says why, and an experiment JSON round-trips.
// Torch-free: it links only moco_ui.
#include <QDoubleSpinBox>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "api/config.h"
#include "experiment_panel.h"
#include "file_actions.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "message_banner.h"
#include "plots/consistency_plot.h"
#include "plots/eval_plot.h"
#include "plots/loss_plot.h"
#include "run.h"

using namespace moco;

using test::action;
using test::find;
using test::kTrainTimeoutMs;
using test::session_state;

using test::banner;
using test::eval_plot;
using test::loss_plot;
using test::panel;

class TestGuiFiles : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    test::isolate_settings("tst_gui_files");
    test::use_workbench_look();
  }

  void runFolderRoundTrip() {
    QTemporaryDir dir;
    MainWindow w(test::gui_config());
    action(w, "start")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(test::live_steps(w) >= 5, kTrainTimeoutMs);
    action(w, "stop")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(session_state(w), QString("stopped"), 10000);
    Run* run = test::select_run(w, test::live_row(w));  // the row Save run saves
    const QString folder = dir.filePath("run-a");
    QVERIFY(test::use_file_action(w, "saveRun", folder));
    QVERIFY(QFile::exists(folder + "/config.json"));
    QFile csv(folder + "/metrics.csv");
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(QString(csv.readLine()).trimmed().split(',').size(), int(metric_names().size()));
    QVERIFY(test::use_file_action(w, "openRun", folder));
    QVERIFY2(test::run_count(w) == 2, qPrintable(w.findChild<MessageBanner*>()->text()));
    Run* opened = test::select_run(w, 1);
    QCOMPARE(test::run_cell(w, 1, "Status"), QString("opened"));
    QCOMPARE(opened->metrics.size(), run->metrics.size());
    QCOMPARE(opened->metrics.back().step, run->metrics.back().step);
    QVERIFY(qAbs(opened->metrics.back().loss - run->metrics.back().loss) < 1e-6);
    QCOMPARE(opened->config.moco.queue_size, int64_t(64));
    QVERIFY(QFile::exists(folder + "/metrics.jsonl"));
    QCOMPARE(loss_plot(w)->pointCount(), 2 * 2 * int(run->metrics.size()));  // both runs overlaid
  }

  void opensAMocoTrainFolder() {
    // A folder as moco-train wrote it before the run-folder format moved into core: the same
    // bytes must still open.
    QTemporaryDir dir;
    {
      QFile csv(dir.filePath("metrics.csv"));
      QVERIFY(csv.open(QIODevice::WriteOnly));
      csv.write("step,epoch,loss,chance_loss,instance_acc1,lr,momentum,temperature,positive_cosine,negative_cosine,"
                "queue_fill,queue_age_mean,queue_age_max,key_drift,step_seconds,images_per_second\n");
      for (int i = 1; i <= 4; ++i)
        csv.write(QStringLiteral("%1,0,%2,4.17,0,0.03,0.99,0.2,0.5,0.1,%3,1,2,0.01,0.1,320\n")
                      .arg(i)
                      .arg(5.0 - 0.1 * i)
                      .arg(0.25 * i)
                      .toUtf8());
      QFile jsonl(dir.filePath("metrics.jsonl"));
      QVERIFY(jsonl.open(QIODevice::WriteOnly));
      jsonl.write(R"({"step":1,"epoch":0,"loss":4.9})" "\n");
      // moco-train --eval-every's lines (analysis.h to_json_line).
      jsonl.write(R"({"step":0,"floors":{"pixel_knn_top1":0.7,"random_encoder_knn_top1":0.6}})" "\n");
      jsonl.write(R"({"step":4,"eval":{"knn_top1":0.75,"knn_top5":0.97,"probe_top1":0.8,"alignment":0.9,)"
                  R"("uniformity":-2.1,"queue_consistency":0.97,"queue_consistency_by_age":[{"age":1,"cosine":0.99},)"
                  R"({"age":3,"cosine":0.95}],"seconds":1.5}})" "\n");
      QFile config(dir.filePath("config.json"));
      QVERIFY(config.open(QIODevice::WriteOnly));
      config.write(QByteArray::fromStdString(to_json(test::gui_config())));
    }
    MainWindow w(test::gui_config());
    QVERIFY(test::use_file_action(w, "openRun", dir.path()));
    QCOMPARE(test::run_count(w), 1);
    Run* run = test::select_run(w, 0);
    QCOMPARE(run->metrics.size(), 4);
    QCOMPARE(run->metrics[2].loss, 4.7);
    QCOMPARE(LossPlot::warmUpEnd(*run), 3);
    QCOMPARE(loss_plot(w)->pointCount(), 8);
    QVERIFY(run->hasFloors);
    QCOMPARE(run->floors.pixel_knn_top1, 0.7);
    QCOMPARE(run->evals.size(), 1);
    QCOMPARE(run->evals.front().knn.top1, 0.75);
    QCOMPARE(run->evals.front().health.uniformity, -2.1);
    QCOMPARE(eval_plot(w, "Accuracy")->pointCount(), 2);                // kNN and probe
    QCOMPARE(eval_plot(w, "Alignment / uniformity")->pointCount(), 2);  // alignment and uniformity
    QCOMPARE(find<ConsistencyPlot>(w)->pointCount(), 2);                // ages 1 and 3
  }

  void openingANonRunFolderSaysWhy() {
    QTemporaryDir dir;
    MainWindow w(test::gui_config());
    w.show();
    // The File menu's report, which the window shows in its banner.
    QSignalSpy failed(find<FileActions>(w), &FileActions::failed);
    QVERIFY(test::use_file_action(w, "openRun", dir.path()));
    QCOMPARE(test::run_count(w), 0);  // nothing was opened
    QCOMPARE(failed.size(), 1);
    QVERIFY(banner(w)->isVisible());
    QVERIFY(banner(w)->text().contains("not a run folder"));
  }

  void experimentJsonRoundTrip() {
    QTemporaryDir dir;
    MainWindow w(test::gui_config());
    w.findChild<QDoubleSpinBox*>("moco.momentum.spin")->setValue(0.999);
    const QString path = dir.filePath("e.json");
    QVERIFY(test::use_file_action(w, "saveExperiment", path));
    QCOMPARE(load_config_file(path.toStdString()).moco.momentum, 0.999);
    panel(w)->setConfig(preset_v1());
    QVERIFY(test::use_file_action(w, "openExperiment", path));
    QCOMPARE(panel(w)->config().moco.momentum, 0.999);
    QCOMPARE(w.findChild<QDoubleSpinBox*>("moco.momentum.spin")->value(), 0.999);
  }
};

QTEST_MAIN(TestGuiFiles)
#include "tst_gui_files.moc"
