// The workbench's dataset picker, headless: the dataset box marks what is missing, a set found in
// the data folder loads from there with its recipe filled in, a missing one opens the Download
// dialog, the rows that only concern one dataset follow it. Torch-free: it links only moco_ui.
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "binary_releases.h"
#include "download_dialog.h"
#include "eval_monitor.h"
#include "experiment_panel.h"
#include "gui_test_support.h"
#include "views/dataset_view.h"

using namespace moco;
using test::find;
using test::panel;
using test::kTrainTimeoutMs;

namespace {

// `per_class` small PNGs in each of `classes` under `root` (QImage writes them: no OpenCV here);
// no class folders when `classes` is empty.
void write_pngs(const QString& root, const QStringList& classes, int per_class) {
  for (const QString& cls : classes.isEmpty() ? QStringList{QString()} : classes) {
    QVERIFY(QDir(root).mkpath(cls.isEmpty() ? "." : cls));
    for (int i = 0; i < per_class; ++i) {
      QImage image(24, 20, QImage::Format_RGB32);
      image.fill(QColor(25 * (i % 10), cls.startsWith('c') ? 200 : 20, 90 + i % 7 * 20));
      QVERIFY(image.save(QDir(root).filePath(QString("%1/%2.png").arg(cls.isEmpty() ? "." : cls).arg(i))));
    }
  }
}

QComboBox* dataset_box(MainWindow& w) { return find<QComboBox>(w, "data.dataset"); }
QString entry(MainWindow& w, const char* name) { return dataset_box(w)->itemText(dataset_box(w)->findData(name)); }

// A tiny cifar-10-batches-bin (10 training, 2 test records) in the data folder the tests use.
void put_tiny_cifar10_in_the_data_folder() {
  const QDir data(qEnvironmentVariable("MOCO_DATA_DIR"));
  for (const auto& [path, bytes] : test::tiny_cifar10_files()) {
    const QString file = data.filePath(QString::fromStdString(path));
    QVERIFY(QDir().mkpath(QFileInfo(file).path()));
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(bytes.data(), qint64(bytes.size()));
  }
}

}  // namespace

class TestGuiData : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    test::isolate_settings("tst_gui_data");
    put_tiny_cifar10_in_the_data_folder();
  }

  void datasetBoxSaysWhatIsMissing() {
    MainWindow w(test::gui_config());
    QCOMPARE(entry(w, "cifar10"), QString("CIFAR-10"));  // in the data folder
    QCOMPARE(entry(w, "cifar100"), QString("CIFAR-100 (download…)"));
    QCOMPARE(entry(w, "stl10"), QString("STL-10 (download…)"));
  }

  void aSetInTheDataFolderLoadsWithItsRecipe() {
    MainWindow w(test::gui_config());
    dataset_box(w)->setCurrentIndex(dataset_box(w)->findData("cifar10"));
    const Config& c = panel(w)->config();
    QCOMPARE(c.data.dataset, DatasetName::Cifar10);
    QVERIFY(c.data.path.empty());  // found in the data folder: no folder asked for
    QCOMPARE(c.preset, std::string("cifar10-demo"));
    QCOMPARE(c.model.encoder, EncoderArch::Resnet18Cifar);
    QCOMPARE(c.optim.batch_size, int64_t(512));
    QVERIFY(!w.findChild<DownloadDialog*>("downloadDialog"));
    auto* card = find<DatasetView>(w, "datasetView");
    QTRY_COMPARE_WITH_TIMEOUT(card->summary(),
                              QString("10 training + 2 test images · 10 classes · 32×32 RGB · 37 kB in memory"),
                              kTrainTimeoutMs);
    QCOMPARE(find<QLabel>(w, "datasetTitle")->text(), QString("<b>CIFAR-10</b>"));
    // Back to the synthetic set: the small-data v2 recipe returns.
    dataset_box(w)->setCurrentIndex(dataset_box(w)->findData("synthetic"));
    QCOMPARE(panel(w)->config().preset, std::string("v2"));
    QCOMPARE(panel(w)->config().model.encoder, EncoderArch::SmallCnn);
  }

  void aMissingSetOpensTheDownloadDialog() {
    MainWindow w(test::gui_config());
    dataset_box(w)->setCurrentIndex(dataset_box(w)->findData("stl10"));
    auto* dialog = w.findChild<DownloadDialog*>("downloadDialog");
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->dataset(), QString("stl10"));
    QCOMPARE(QDir(dialog->destination()), QDir(qEnvironmentVariable("MOCO_DATA_DIR")));
    QCOMPARE(panel(w)->config().data.image_size, int64_t(64));  // STL-10's default size
    dialog->reject();
  }

  void anImageFolderShowsWhatItSkippedOnTheCard() {
    QTemporaryDir photos;
    write_pngs(photos.path(), {"cats", "dogs"}, 4);
    QFile broken(photos.filePath("dogs/broken.png"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("not a png");
    broken.close();
    Config c = test::gui_config();
    c.data.dataset = DatasetName::Folder;
    c.data.path = photos.path().toStdString();
    c.data.image_size = 16;
    MainWindow w(c);
    auto* card = find<DatasetView>(w, "datasetView");
    QTRY_COMPARE_WITH_TIMEOUT(card->rowsShown(), 2, kTrainTimeoutMs);
    QVERIFY2(card->summary().contains("2 classes · 16×16 RGB"), qPrintable(card->summary()));
    auto* warnings = find<QLabel>(w, "datasetWarnings");
    QVERIFY2(warnings->text().contains("dogs/broken.png"), qPrintable(warnings->text()));
    QVERIFY(!warnings->isHidden());
  }

  void unlabelledDataSaysOnceWhyItIsNotEvaluated() {
    // A flat folder trains without labels: the periodic evaluation has nothing to score against,
    // and says so once per run, not at every interval.
    QTemporaryDir photos;
    write_pngs(photos.path(), {}, 40);
    Config c = test::gui_config();
    c.data.dataset = DatasetName::Folder;
    c.data.path = photos.path().toStdString();
    c.data.image_size = 16;
    c.optim.batch_size = 16;
    c.moco.queue_size = 32;
    c.moco.bn_splits = 2;
    MainWindow w(c);
    test::manual_only(w);
    QSignalSpy told(find<EvalMonitor>(w), &EvalMonitor::failed);
    find<QSpinBox>(w, "evalEvery")->setValue(1);
    test::action(w, "start")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(test::live_steps(w) >= 6, kTrainTimeoutMs);
    test::action(w, "stop")->trigger();
    QCOMPARE(told.size(), 1);
    QVERIFY2(told.front().front().toString().contains("label"), qPrintable(told.front().front().toString()));
    auto* card = find<DatasetView>(w, "datasetView");
    QVERIFY2(card->summary().contains("no classes (unlabelled)"), qPrintable(card->summary()));
  }

  void rowsFollowTheDataset() {
    MainWindow w(test::gui_config());
    auto* coarse = find<QWidget>(w, "data.cifar100_coarse");
    auto* unlabelled = find<QWidget>(w, "data.stl10_unlabeled");
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(!coarse->isVisible() && !unlabelled->isVisible());
    dataset_box(w)->setCurrentIndex(dataset_box(w)->findData("stl10"));
    if (auto* dialog = w.findChild<DownloadDialog*>("downloadDialog")) dialog->reject();
    QTRY_VERIFY(unlabelled->isVisible());
    QVERIFY(!coarse->isVisible());
  }
};

QTEST_MAIN(TestGuiData)
#include "tst_gui_data.moc"
