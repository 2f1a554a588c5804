// moco-train as a user runs it: preset JSON round trip, run folder contents, exact resume with
// metrics appended, clear errors with a non-zero exit (bad values, numbers out of range, a
// configuration beyond this machine's memory, a write or a stdout that fails).
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "moco_train_process.h"

#ifdef MOCO_TEST_DOWNLOADS
#include <QCryptographicHash>

#include "binary_releases.h"
#include "loopback_http_server.h"
#include "tar_gz_writer.h"
#endif

namespace {

using moco::test::run_moco_train;

const QStringList kTiny = moco::test::kTinyRunArgs + QStringList{"-q"};

QStringList losses(const QString& csv) {
  QFile f(csv);
  if (!f.open(QIODevice::ReadOnly)) return {};
  QStringList out;
  const auto lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
  for (int i = 1; i < lines.size(); ++i) out << lines[i].section(',', 0, 0) + ":" + lines[i].section(',', 2, 2);
  return out;
}

}  // namespace

class TestCli : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void printedPresetIsAcceptedAsConfig() {
    const auto printed = run_moco_train({"--print-config", "v1"});
    QCOMPARE(printed.code, 0);
    QVERIFY(printed.out.contains("\"temperature\": 0.07"));
    QFile file(dir_.filePath("v1.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(printed.out.toUtf8());
    file.close();
    const auto trained =
        run_moco_train({"--config", file.fileName(), "--set", "data.dataset=synthetic", "--set", "data.synthetic_per_class=8",
                        "--set", "data.synthetic_size=16", "--set", "optim.batch_size=16", "--set", "moco.queue_size=32",
                        "--set", "moco.bn_splits=2", "--steps", "2", "--out", dir_.filePath("from-json"), "-q"});
    QVERIFY2(trained.code == 0, qPrintable(trained.err));
    for (const char* name : {"config.json", "metrics.csv", "metrics.jsonl", "checkpoint.pt", "encoder_q.pth"})
      QVERIFY2(QFile::exists(dir_.filePath(QString("from-json/") + name)), name);
  }

  void resumeReproducesOneLongRun() {
    const QString whole = dir_.filePath("whole"), split = dir_.filePath("split");
    QCOMPARE(run_moco_train(kTiny + QStringList{"--steps", "8", "--out", whole}).code, 0);
    QCOMPARE(run_moco_train(kTiny + QStringList{"--steps", "4", "--out", split}).code, 0);
    const auto resumed = run_moco_train({"--resume", split, "--steps", "8", "-q"});
    QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
    const auto expected = losses(whole + "/metrics.csv"), got = losses(split + "/metrics.csv");
    QCOMPARE(expected.size(), 8);
    QCOMPARE(got, expected);  // steps 1-4 from the first run, 5-8 appended by the resumed one
    QFile jsonl(split + "/metrics.jsonl");
    QVERIFY(jsonl.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(jsonl.readAll()).count('\n'), 8);
  }

  void epochsWinOverThePresetsStepCount() {
    // fashion-mnist-demo sets run.total_steps; --epochs asks for a length in epochs instead.
    const QString out = dir_.filePath("epochs");
    QStringList args = kTiny;
    args[args.indexOf("v2")] = "fashion-mnist-demo";
    const auto trained = run_moco_train(args + QStringList{"--epochs", "1", "--out", out});
    QVERIFY2(trained.code == 0, qPrintable(trained.err));
    QCOMPARE(losses(out + "/metrics.csv").size(), 16 * 10 / 16);  // synthetic: 16 per class, 10 classes, batch 16
  }

  void errorsAreClearAndNonZero_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("bad value") << QStringList{"--preset", "v2", "--set", "moco.momentum=1.5", "--out", "x"} << "moco.momentum";
    QTest::newRow("unknown key") << QStringList{"--preset", "v2", "--set", "moco.speed=1", "--out", "x"} << "moco.speed";
    QTest::newRow("no out") << QStringList{"--preset", "v2"} << "--out";
    QTest::newRow("missing data") << QStringList{"--preset", "v2", "--set", "data.dataset=idx", "--set", "data.path=/nope",
                                                 "--out", dir_.filePath("nodata")} << "/nope";
    // Where Fashion-MNIST is missing the preset falls back to the synthetic set; a folder given with
    // --set data.path must not then be ignored (issue 12: a GPU benchmark trained on shapes).
    QTest::newRow("path with synthetic") << QStringList{"--preset", "v2", "--set", "data.dataset=synthetic", "--set",
                                                        "data.path=/data/mine", "--out", dir_.filePath("synthpath")}
                                         << "data.path is '/data/mine' but data.dataset is synthetic";
    QTest::newRow("unknown download") << QStringList{"--download", "imagenet"} << "'imagenet' (known: cifar10, cifar100, stl10)";
    // Numeric options out of range are refused in words (issue 14: --neighbours -3 exited 0 silently).
    const QString someFile = QStringLiteral(MOCO_TRAIN_PATH);  // --analyze checks only that it exists before the values
    QTest::newRow("negative neighbour") << QStringList{"--analyze", someFile, "--neighbours", "-3"}
                                        << "--neighbours: must be a whole number >= 0, got -3";
    QTest::newRow("no neighbours listed") << QStringList{"--analyze", someFile, "--neighbours", "1", "--k", "0"}
                                          << "--k: must be a whole number >= 1, got 0";
    QTest::newRow("fractional points") << QStringList{"--analyze", someFile, "--tsne", "t.csv", "--points", "2.5"}
                                       << "--points: must be a whole number >= 1, got 2.5";
    QTest::newRow("zero steps") << QStringList{"--preset", "v2", "--steps", "0", "--out", "x"}
                                << "--steps: must be a whole number >= 1, got 0";
    QTest::newRow("negative epochs") << QStringList{"--preset", "v2", "--epochs", "-1", "--out", "x"}
                                     << "--epochs: must be a whole number >= 1, got -1";
    QTest::newRow("words for seeds") << QStringList{"--preset", "v2", "--seeds", "three", "--out", "x"}
                                     << "--seeds: must be a whole number >= 1, got three";
    QTest::newRow("zero eval interval") << QStringList{"--preset", "v2", "--eval-every", "0", "--out", "x"}
                                        << "--eval-every: must be a whole number >= 1, got 0";
    QTest::newRow("negative bank") << QStringList{"--preset", "v2", "--eval-bank", "-1", "--out", "x"}
                                   << "--eval-bank: must be a whole number >= 0, got -1";
    QTest::newRow("huge test set") << QStringList{"--preset", "v2", "--eval-test", "99999999999999999999", "--out", "x"}
                                   << "--eval-test: must be a whole number >= 0, got 99999999999999999999";
    // A queue of 2e9 keys: validation says it cannot fit, with the figures (it failed in LibTorch's allocator).
    QTest::newRow("queue beyond memory") << QStringList{"--preset", "v2", "--set", "moco.queue_size=2000000000", "--out",
                                                        dir_.filePath("huge")}
                                         << "moco.queue_size: this configuration would need about";
    QTest::newRow("queue beyond memory, figures") << QStringList{"--preset", "v2", "--set", "moco.queue_size=2000000000",
                                                                 "--out", dir_.filePath("huge")}
                                                  << "but this machine has";
  }

  void aWriteThatFailsIsNotReportedAsDone() {
    // Issue 14: --tsne /dev/full printed its success line and exited 0.
    const QString run = dir_.filePath("for-analysis");
    // 60 test images: t-SNE's perplexity of 30 needs more than 30 points.
    const auto trained = run_moco_train(kTiny + QStringList{"--set", "data.synthetic_per_class=32", "--steps", "1", "--out", run});
    QVERIFY2(trained.code == 0, qPrintable(trained.err));
    const auto analysed = run_moco_train({"--analyze", run + "/checkpoint.pt", "--tsne", "/dev/full"});
    QCOMPARE(analysed.code, 2);
    QVERIFY2(analysed.err.contains("cannot write '/dev/full'"), qPrintable(analysed.err));
    QVERIFY2(!analysed.err.contains("-> /dev/full"), qPrintable(analysed.err));  // no success line
    QVERIFY(QFileInfo("/dev/full").exists() && !QFileInfo("/dev/full").isFile());  // written in place, not replaced
  }

  void standardOutputThatCannotBeWrittenIsAnError() {
    QProcess p;
    p.setStandardOutputFile("/dev/full");
    p.start(QStringLiteral(MOCO_TRAIN_PATH), {"--print-config", "v2"});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 2);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains("cannot write to standard output"), qPrintable(err));
  }
  void errorsAreClearAndNonZero() {
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    const auto r = run_moco_train(args);
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
  }

  void existingRunIsNotOverwritten() {
    const QString out = dir_.filePath("twice");
    QCOMPARE(run_moco_train(kTiny + QStringList{"--steps", "1", "--out", out}).code, 0);
    const auto again = run_moco_train(kTiny + QStringList{"--steps", "1", "--out", out});
    QVERIFY(again.code != 0);
    QVERIFY2(again.err.contains("--resume"), qPrintable(again.err));
  }

#ifdef MOCO_TEST_DOWNLOADS
  // --download as torchvision's download=True, then training on it with no data.path.
  void downloadThenTrainOnIt() {
    QTemporaryDir served;
    const QString archive = served.filePath("cifar-10-binary.tar.gz");
    moco::test::write_tar_gz(archive.toStdString(), moco::test::tiny_cifar10_files());
    QFile file(archive);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString md5 = QCryptographicHash::hash(file.readAll(), QCryptographicHash::Md5).toHex();
    moco::test::LoopbackHttpServer server(served.path().toStdString());
    const QString data = dir_.filePath("datasets"), mirror = QString::fromStdString(server.url());

    // The official checksum refuses the tiny archive, naming both checksums.
    const auto refused = run_moco_train({"--download", "cifar10", "--mirror", mirror, "--data-dir", data});
    QVERIFY(refused.code != 0);
    QVERIFY2(refused.err.contains("c32a1d4ab5d03f1284b67883e8d87530") && refused.err.contains(md5), qPrintable(refused.err));

    const auto fetched = run_moco_train({"--download", "cifar10", "--mirror", mirror, "--data-dir", data, "--md5", md5});
    QVERIFY2(fetched.code == 0, qPrintable(fetched.err));
    QCOMPARE(fetched.out.trimmed(), data + "/cifar-10-batches-bin");
    QVERIFY(QFile::exists(data + "/cifar-10-batches-bin/test_batch.bin"));

    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("MOCO_DATA_DIR", data);
    const auto trained = run_moco_train(kTiny + QStringList{"--set", "data.dataset=cifar10", "--set", "data.path=", "--set",
                                                            "optim.batch_size=4", "--set", "moco.queue_size=8", "--steps", "1",
                                                            "--out", dir_.filePath("on-cifar")},
                                        env);
    QVERIFY2(trained.code == 0, qPrintable(trained.err));
  }
#endif
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
