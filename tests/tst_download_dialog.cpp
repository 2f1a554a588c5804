// The "Download…" dialog against a loopback HTTP server (set as the mirror through
// MOCO_DATA_MIRROR, as a user's institutional mirror would be): Download emits downloaded(dataset,
// folder) while the GUI thread stays free; a bad checksum is shown in the dialog; Cancel keeps the
// partial file.
#include <QCryptographicHash>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "binary_releases.h"
#include "download_dialog.h"
#include "loopback_http_server.h"
#include "tar_gz_writer.h"

using namespace moco;

class TestDownloadDialog : public QObject {
  Q_OBJECT
  QTemporaryDir served_, data_;
  std::unique_ptr<test::LoopbackHttpServer> server_;
  DownloadableDataset cifar10_;  // with the tiny archive's checksum

  QPushButton* button(DownloadDialog& dialog, const QString& text) {
    for (auto* b : dialog.findChildren<QPushButton*>())
      if (b->text() == text) return b;
    return nullptr;
  }

 private slots:
  void initTestCase() {
    if (!downloads_supported()) QSKIP("this build has no libcurl, libarchive or OpenSSL");
    cifar10_ = downloadable_dataset("cifar10");
    const QString archive = served_.filePath(QString::fromStdString(cifar10_.file));
    test::write_tar_gz(archive.toStdString(), test::tiny_cifar10_files());
    QFile file(archive);
    QVERIFY(file.open(QIODevice::ReadOnly));
    cifar10_.md5 = QCryptographicHash::hash(file.readAll(), QCryptographicHash::Md5).toHex().toStdString();
    server_ = std::make_unique<test::LoopbackHttpServer>(served_.path().toStdString());
    qputenv("MOCO_DATA_MIRROR", QByteArray::fromStdString(server_->url()));
  }

  void downloadEmitsDatasetAndFolder() {
    DownloadDialog dialog(nullptr, {cifar10_});
    dialog.setDestination(data_.filePath("ok"));
    QSignalSpy downloaded(&dialog, &DownloadDialog::downloaded);
    QTest::mouseClick(button(dialog, "Download"), Qt::LeftButton);
    QVERIFY(dialog.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(downloaded.count(), 1, 20000);
    QCOMPARE(downloaded[0][0].toString(), QString("cifar10"));
    QCOMPARE(downloaded[0][1].toString(), data_.filePath("ok/cifar-10-batches-bin"));
    QVERIFY(QFile::exists(data_.filePath("ok/cifar-10-batches-bin/data_batch_5.bin")));
    QCOMPARE(dialog.findChild<QProgressBar*>()->value(), dialog.findChild<QProgressBar*>()->maximum());
    QVERIFY(!dialog.isRunning());
  }

  void checksumMismatchIsShownInTheDialog() {
    DownloadableDataset wrong = cifar10_;
    wrong.md5 = "0123456789abcdef0123456789abcdef";
    DownloadDialog dialog(nullptr, {wrong});
    dialog.setDestination(data_.filePath("bad"));
    QSignalSpy failed(&dialog, &DownloadDialog::failed);
    QTest::mouseClick(button(dialog, "Download"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
    const QString message = failed[0][0].toString();
    QVERIFY2(message.contains("checksum mismatch") && message.contains(QString::fromStdString(wrong.md5)), qPrintable(message));
    bool shown = false;
    for (auto* label : dialog.findChildren<QLabel*>()) shown = shown || label->text() == message;
    QVERIFY(shown);
    QVERIFY(button(dialog, "Download")->isEnabled());  // may be tried again
  }

  void cancelKeepsThePartialDownload() {
    DownloadDialog dialog(nullptr, {cifar10_});
    dialog.setDestination(data_.filePath("cancel"));
    QSignalSpy downloaded(&dialog, &DownloadDialog::downloaded), failed(&dialog, &DownloadDialog::failed);
    const QString part = data_.filePath("cancel/" + QString::fromStdString(cifar10_.file) + ".part");
    server_->stall_next_after(100);
    QTest::mouseClick(button(dialog, "Download"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.findChild<QProgressBar*>()->value() > 0, 20000);  // stalled mid-download
    QVERIFY(dialog.isRunning());
    QTest::mouseClick(button(dialog, "Cancel"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isRunning(), 20000);
    QCOMPARE(downloaded.count(), 0);
    QCOMPARE(failed.count(), 0);  // cancelling is not a failure
    QCOMPARE(QFileInfo(part).size(), qint64(100));
    bool said = false;
    for (auto* label : dialog.findChildren<QLabel*>()) said = said || label->text().startsWith("Cancelled");
    QVERIFY(said);
  }
};

QTEST_MAIN(TestDownloadDialog)
#include "tst_download_dialog.moc"
