// Dataset downloads against a loopback HTTP server (CI has no internet): download, verify and
// extract, resume after an interruption, checksum mismatch, cancel, path traversal refused,
// CIFAR-10 read straight from its .tar.gz, the default data folder.
#include <QCryptographicHash>
#include <QDir>
#include <QtTest/QtTest>
#include <cstdlib>
#include <filesystem>

#include "api/config.h"
#include "api/downloads.h"
#include "binary_releases.h"
#include "data/dataset.h"
#include "fetch/extract.h"
#include "loopback_http_server.h"
#include "tar_gz_writer.h"

using namespace moco;
namespace fs = std::filesystem;

namespace {

QString md5_of(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Md5).toHex();
}

template <typename Error = std::runtime_error>
QString error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

class TestDownloads : public QObject {
  Q_OBJECT
  QTemporaryDir served_;  // what the server serves
  QString archive_;       // the tiny cifar-10-binary.tar.gz in it
  DownloadableDataset cifar10_;  // the catalogue entry with the tiny archive's MD5

  QTemporaryDir work_;    // one fresh data folder per test under it

  std::string fresh_dir(const QString& name) {
    QDir(work_.filePath(name)).removeRecursively();
    return work_.filePath(name).toStdString();
  }

 private slots:
  void initTestCase() {
    QVERIFY2(downloads_supported(), "this build has no libcurl, libarchive or OpenSSL");
    cifar10_ = downloadable_dataset("cifar10");
    archive_ = served_.filePath(QString::fromStdString(cifar10_.file));
    test::write_tar_gz(archive_.toStdString(), test::tiny_cifar10_files());
    cifar10_.md5 = md5_of(archive_).toStdString();
  }

  void catalogueHoldsTheOfficialReleases() {
    QCOMPARE(downloadable_dataset("cifar10").md5, std::string("c32a1d4ab5d03f1284b67883e8d87530"));
    QCOMPARE(downloadable_dataset("cifar100").folder, std::string("cifar-100-binary"));
    QCOMPARE(downloadable_dataset("stl10").url, std::string("http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz"));
    QVERIFY(error_of<std::invalid_argument>([] { downloadable_dataset("imagenet"); }).contains("cifar10, cifar100, stl10"));
    QCOMPARE(download_url(cifar10_, "http://mirror/data/"), std::string("http://mirror/data/cifar-10-binary.tar.gz"));
    QCOMPARE(download_url(cifar10_, ""), cifar10_.url);
  }

  void downloadVerifiesExtractsAndLoads() {
    test::LoopbackHttpServer server(served_.path().toStdString());
    const std::string dir = fresh_dir("full");
    int64_t last_done = 0, last_total = 0;
    DownloadOptions options{dir, server.url(), [&](int64_t done, int64_t total) {
                              last_done = done;
                              last_total = total;
                              return true;
                            }};
    std::vector<DownloadStage> stages;
    options.stage = [&](DownloadStage stage) { stages.push_back(stage); };
    QCOMPARE(find_downloaded(cifar10_, dir), std::string());
    const std::string folder = download_dataset(cifar10_, options);
    QVERIFY(stages == (std::vector<DownloadStage>{DownloadStage::Verifying, DownloadStage::Extracting}));
    QCOMPARE(find_downloaded(cifar10_, dir), folder);
    QCOMPARE(folder, (fs::path(dir) / "cifar-10-batches-bin").string());
    QCOMPARE(last_done, int64_t(QFileInfo(archive_).size()));
    QCOMPARE(last_total, last_done);
    QVERIFY(fs::exists(fs::path(dir) / cifar10_.file));  // the verified archive is kept
    QVERIFY(!fs::exists(fs::path(dir) / (cifar10_.file + ".part")));
    DataConfig data;
    data.dataset = DatasetName::Cifar10;
    data.path = dir;
    const auto loaded = load_dataset(data);
    QCOMPARE(loaded.train.size(), int64_t(10));
    QCOMPARE(loaded.test.size(), int64_t(2));
    // Done once: a second call finds the folder and asks the server nothing.
    const int asked = server.requests();
    QCOMPARE(download_dataset(cifar10_, options), folder);
    QCOMPARE(server.requests(), asked);
  }

  void interruptedDownloadResumesWithRange() {
    test::LoopbackHttpServer server(served_.path().toStdString());
    const std::string dir = fresh_dir("resume");
    const fs::path part = fs::path(dir) / (cifar10_.file + ".part");
    const int64_t half = QFileInfo(archive_).size() / 2;
    server.drop_next_after(half);
    const QString message = error_of([&] { download_dataset(cifar10_, {dir, server.url(), {}}); });
    QVERIFY2(message.contains("interrupted") && message.contains(QString::fromStdString(part.string())) &&
                 message.contains("resume"),
             qPrintable(message));
    QCOMPARE(int64_t(fs::file_size(part)), half);
    QCOMPARE(server.range_requests(), 0);
    download_dataset(cifar10_, {dir, server.url(), {}});
    QCOMPARE(server.range_requests(), 1);
    QCOMPARE(md5_of(QString::fromStdString((fs::path(dir) / cifar10_.file).string())).toStdString(), cifar10_.md5);
    QVERIFY(fs::is_directory(fs::path(dir) / cifar10_.folder));
  }

  void checksumMismatchDeletesThePartialFile() {
    test::LoopbackHttpServer server(served_.path().toStdString());
    const std::string dir = fresh_dir("mismatch");
    DownloadableDataset wrong = cifar10_;
    wrong.md5 = "0123456789abcdef0123456789abcdef";
    const QString message = error_of([&] { download_dataset(wrong, {dir, server.url(), {}}); });
    for (const std::string& needle : {wrong.file, wrong.md5, cifar10_.md5})
      QVERIFY2(message.contains(QString::fromStdString(needle)), qPrintable(message));
    QVERIFY(!fs::exists(fs::path(dir) / (wrong.file + ".part")));
    QVERIFY(!fs::exists(fs::path(dir) / wrong.file));
    QVERIFY(!fs::exists(fs::path(dir) / wrong.folder));
  }

  void cancelKeepsThePartialFile() {
    test::LoopbackHttpServer server(served_.path().toStdString());
    const std::string dir = fresh_dir("cancel");
    const fs::path part = fs::path(dir) / (cifar10_.file + ".part");
    fs::create_directories(dir);
    QFile archive(archive_);
    QVERIFY(archive.open(QIODevice::ReadOnly));
    const QByteArray first_half = archive.read(archive.size() / 2);
    QFile partial(QString::fromStdString(part.string()));  // as an earlier interrupted download left it
    QVERIFY(partial.open(QIODevice::WriteOnly) && partial.write(first_half) == first_half.size());
    partial.close();
    const QString message =
        error_of<DownloadCancelled>([&] { download_dataset(cifar10_, {dir, server.url(), [](int64_t, int64_t) { return false; }}); });
    QVERIFY2(message.contains("cancelled") && message.contains(QString::fromStdString(part.string())), qPrintable(message));
    QVERIFY(int64_t(fs::file_size(part)) >= int64_t(first_half.size()));
    QVERIFY(!fs::exists(fs::path(dir) / cifar10_.folder));
  }

  void missingFileOnTheServerNamesTheUrlAndLeavesNothing() {
    test::LoopbackHttpServer server(served_.path().toStdString());
    const std::string dir = fresh_dir("missing");
    const QString message = error_of([&] { download_dataset(downloadable_dataset("stl10"), {dir, server.url(), {}}); });
    QVERIFY2(message.contains("404") && message.contains("stl10_binary.tar.gz"), qPrintable(message));
    QVERIFY(!fs::exists(fs::path(dir) / "stl10_binary.tar.gz.part"));  // nothing to resume, nothing left
  }

  void pathTraversalIsRefused_data() {
    QTest::addColumn<QString>("entry");
    QTest::newRow("parent") << "../escaped.txt";
    QTest::newRow("nested parent") << "cifar-10-batches-bin/../../escaped.txt";
    QTest::newRow("absolute") << "/tmp/moco-escaped.txt";
  }
  void pathTraversalIsRefused() {
    QFETCH(QString, entry);
    const std::string dir = fresh_dir("traversal");
    const std::string evil = (fs::path(dir) / "evil.tar.gz").string();
    fs::create_directories(fs::path(dir) / "into");
    test::write_tar_gz(evil, {{"cifar-10-batches-bin/ok.txt", "fine"}, {entry.toStdString(), "escaped"}});
    const QString message = error_of([&] { extract_archive(evil, dir + "/into"); });
    QVERIFY2(message.contains(entry), qPrintable(message));
    QVERIFY(!fs::exists(fs::path(dir) / "escaped.txt"));
    QVERIFY(fs::is_empty(fs::path(dir) / "into"));  // the entry before it was not left behind either
  }

  void cifar10FromArchiveEqualsExtracted() {
    const std::string dir = fresh_dir("extracted");
    extract_archive(archive_.toStdString(), dir);
    DataConfig from_folder, from_archive;
    from_folder.dataset = from_archive.dataset = DatasetName::Cifar10;
    from_folder.path = dir;
    from_archive.path = archive_.toStdString();
    const auto a = load_dataset(from_folder), b = load_dataset(from_archive);
    QVERIFY(torch::equal(a.train.images, b.train.images));
    QVERIFY(torch::equal(a.train.labels, b.train.labels));
    QVERIFY(torch::equal(a.test.images, b.test.images));
    QCOMPARE(a.class_names, b.class_names);
    QCOMPARE(b.train.labels[2].item<int64_t>(), int64_t(2));  // data_batch_2's first record
  }

  void emptyPathLooksInTheDefaultDataFolder() {
    const QByteArray saved = qgetenv("MOCO_DATA_DIR");
    qputenv("MOCO_DATA_DIR", served_.path().toUtf8());  // holds only the archive
    QCOMPARE(default_data_dir(), served_.path().toStdString());
    QCOMPARE(find_downloaded(cifar10_), archive_.toStdString());  // the archive alone is enough
    Config config = preset_v2();
    config.data.dataset = DatasetName::Cifar10;
    config.data.path.clear();
    for (const auto& issue : validate(config)) QVERIFY2(issue.field != "data.path", issue.message.c_str());
    DataConfig data = config.data;
    QCOMPARE(load_dataset(data).train.size(), int64_t(10));
    data.dataset = DatasetName::Cifar100;
    QVERIFY(error_of([&] { load_dataset(data); }).contains("moco-train --download cifar100"));
    qunsetenv("MOCO_DATA_DIR");
    qputenv("XDG_DATA_HOME", "/xdg");
    QCOMPARE(default_data_dir(), std::string("/xdg/moco-workbench/datasets"));
    qunsetenv("XDG_DATA_HOME");
    QCOMPARE(default_data_dir(), QDir::homePath().toStdString() + "/.local/share/moco-workbench/datasets");
    if (!saved.isNull()) qputenv("MOCO_DATA_DIR", saved);
  }
};

QTEST_APPLESS_MAIN(TestDownloads)
#include "tst_downloads.moc"
