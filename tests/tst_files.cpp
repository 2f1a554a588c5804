// The one writer every file goes through (api/files.h): a device that refuses the bytes, a folder
// that cannot be created and a full disk are errors naming the path, the previous file survives
// each of them, devices are written in place (never renamed over) and links are followed.
// Torch-free. Tests run as root, so permissions cannot make a write fail: the failures come from
// /dev/full, a regular file standing where a folder should be, and RLIMIT_FSIZE (a disk that fills
// up after a few bytes, for this process only).
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <string>

#include "api/files.h"

using namespace moco;

namespace {

QByteArray contents(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

bool isCharacterDevice(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

// The message of the std::runtime_error `write` throws; empty when it throws none.
template <typename Write>
QString errorOf(Write&& write) {
  try {
    write();
  } catch (const std::runtime_error& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

// While alive, this process cannot grow a file beyond `bytes`: a write past it fails with EFBIG,
// as a write to a full disk fails with ENOSPC.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_ = ::signal(SIGXFSZ, SIG_IGN);  // else the write kills the process instead of failing
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::signal(SIGXFSZ, previous_);
  }

 private:
  rlimit saved_{};
  sighandler_t previous_;
};

}  // namespace

class TestFiles : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  QStringList leftovers() const { return QDir(dir_.path()).entryList({"*.tmp.*"}, QDir::Files | QDir::Hidden); }

 private slots:
  void writesAndReplacesWhole() {
    const QString path = dir_.filePath("plain.txt");
    write_file(path.toStdString(), "first");
    write_file(path.toStdString(), "second");
    QCOMPARE(contents(path), QByteArray("second"));
    QCOMPARE(leftovers(), QStringList());
  }

  void aFullDeviceIsAnErrorNamingIt() {
    QVERIFY2(isCharacterDevice("/dev/full"), "this test needs /dev/full");
    const QString error = errorOf([] { write_file("/dev/full", "t-SNE rows"); });
    QVERIFY2(error.contains("'/dev/full'"), qPrintable(error));
    QVERIFY2(error.contains("No space left on device"), qPrintable(error));
    QVERIFY(isCharacterDevice("/dev/full"));  // written in place, not renamed over
    // The same through a writer that needs a file name, and through an append.
    const QString via = errorOf([] { write_file_via("/dev/full", [](const std::string& temp) { write_file(temp, "bytes"); }); });
    QVERIFY2(via.contains("'/dev/full'"), qPrintable(via));
    QVERIFY(isCharacterDevice("/dev/full"));
    const QString appended = errorOf([] { AppendFile("/dev/full").append("1,0.5\n"); });
    QVERIFY2(appended.contains("'/dev/full'"), qPrintable(appended));
  }

  void aDeviceThatTakesTheBytesIsWrittenInPlace() {
    write_file("/dev/null", "discarded");
    QVERIFY(isCharacterDevice("/dev/null"));
  }

  void aFolderThatCannotBeCreatedIsAnErrorNamingThePath() {
    // A regular file where the folder should be: no one, root included, can create a file under it.
    const QString blocker = dir_.filePath("a-file");
    write_file(blocker.toStdString(), "in the way");
    const QString path = blocker + "/run/checkpoint.pt";
    const QString error = errorOf([&] { write_file(path.toStdString(), "weights"); });
    QVERIFY2(error.contains("'" + path + "'"), qPrintable(error));
    QVERIFY2(error.contains("Not a directory"), qPrintable(error));
    QCOMPARE(contents(blocker), QByteArray("in the way"));
    const QString appended = errorOf([&] { AppendFile((blocker + "/metrics.csv").toStdString()); });
    QVERIFY2(appended.contains(blocker + "/metrics.csv"), qPrintable(appended));
  }

  void aFullDiskKeepsThePreviousFile() {
    const QString path = dir_.filePath("summary.md");
    write_file(path.toStdString(), "the previous summary");
    QString error;
    {
      FileSizeLimit limit(64);
      error = errorOf([&] { write_file(path.toStdString(), std::string(4096, 'x')); });
    }
    QVERIFY2(error.contains("'" + path + "'"), qPrintable(error));
    QCOMPARE(contents(path), QByteArray("the previous summary"));
    QCOMPARE(leftovers(), QStringList());  // the temporary file is gone too
  }

  void aWriterThatFailsKeepsThePreviousFile() {
    const QString path = dir_.filePath("checkpoint.pt");
    write_file(path.toStdString(), "old weights");
    const QString error = errorOf([&] {
      write_file_via(path.toStdString(), [](const std::string& temp) {
        write_file(temp, "half");
        throw std::runtime_error("the archive writer gave up");
      });
    });
    QVERIFY2(error.contains("'" + path + "'") && error.contains("gave up"), qPrintable(error));
    {
      AtomicFileWriter abandoned(path.toStdString());
      abandoned.write("never committed");
    }
    QCOMPARE(contents(path), QByteArray("old weights"));
    QCOMPARE(leftovers(), QStringList());
  }

  void aLinkIsFollowedNotReplaced() {
    const QString target = dir_.filePath("real-config.json"), link = dir_.filePath("config-link.json");
    write_file(target.toStdString(), "{}");
    QVERIFY(QFile::link(QFileInfo(target).fileName(), link));  // relative, as `ln -s name link` makes
    write_file(link.toStdString(), "{\"moco\": {}}");
    QVERIFY(QFileInfo(link).isSymLink());
    QCOMPARE(contents(target), QByteArray("{\"moco\": {}}"));
  }

  void theReplacementKeepsThePermissions() {
    const QString path = dir_.filePath("script.sh");
    write_file(path.toStdString(), "#!/bin/sh\n");
    QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    write_file(path.toStdString(), "#!/bin/sh\nexit 0\n");
    QVERIFY(QFileInfo(path).permissions() & QFile::ExeOwner);
  }

  void appendsAreCheckedAndWhole() {
    const QString path = dir_.filePath("metrics.csv");
    {
      AppendFile file(path.toStdString());
      file.append("step,loss\n");
      file.append("1,0.5\n");
    }
    AppendFile(path.toStdString()).append("2,0.4\n");
    QCOMPARE(contents(path), QByteArray("step,loss\n1,0.5\n2,0.4\n"));
    QString error;
    {
      AppendFile file(path.toStdString());
      FileSizeLimit limit(QFileInfo(path).size() + 4);
      error = errorOf([&] { file.append("3,0.3\n4,0.2\n"); });
    }
    QVERIFY2(error.contains("'" + path + "'"), qPrintable(error));
  }
};

QTEST_GUILESS_MAIN(TestFiles)
#include "tst_files.moc"
