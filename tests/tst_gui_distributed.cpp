// A data-parallel run in the window, headless: the folder moco-train --nproc 2 writes opens like
// any other run, with one metrics row per step, its config and its loss curve. Torch-free: links
// moco_ui and runs the real moco-train (two Gloo ranks on 127.0.0.1).
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>

#include "gui_test_support.h"
#include "main_window.h"
#include "message_banner.h"
#include "moco_train_process.h"
#include "plots/loss_plot.h"
#include "run.h"

using namespace moco;

class TestGuiDistributed : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    test::isolate_settings("tst_gui_distributed");
    test::use_workbench_look();
  }

  void opensADistributedRunFolder() {
    QTemporaryDir dir;
    const QString folder = dir.filePath("two-ranks");
    auto args = test::kTinyRunArgs;
    args << "--set" << "moco.bn_splits=1" << "--set" << "optim.batch_size=8" << "--steps" << "5" << "--out" << folder
         << "--nproc" << "2" << "-q";
    const auto trained = test::run_moco_train(args);
    QVERIFY2(trained.code == 0, qPrintable(trained.err));

    MainWindow w(test::gui_config());
    QVERIFY(test::use_file_action(w, "openRun", folder));
    QVERIFY2(test::run_count(w) == 1, qPrintable(w.findChild<MessageBanner*>()->text()));
    QCOMPARE(test::run_cell(w, 0, "Status"), QString("opened"));
    Run* run = test::select_run(w, 0);
    QCOMPARE(run->metrics.size(), 5);
    QCOMPARE(run->metrics.back().step, int64_t(5));
    QVERIFY(std::isfinite(run->metrics.back().loss));
    QCOMPARE(run->config.optim.batch_size, int64_t(8));  // per process, as the config says
    QCOMPARE(test::loss_plot(w)->pointCount(), 2 * 5);   // loss and chance level
  }
};

QTEST_MAIN(TestGuiDistributed)
#include "tst_gui_distributed.moc"
