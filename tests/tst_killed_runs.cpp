// A run killed with SIGKILL at random moments (while stepping, while writing a checkpoint or its
// metrics, before its first checkpoint) and resumed, twenty times: the run folder always resumes,
// its metrics files end on whole lines, and the run finishes exactly as an uninterrupted one.
#include <QJsonDocument>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QtTest/QtTest>

#include <random>

#include "api/run_folder.h"
#include "moco_train_process.h"

namespace {

constexpr int kKills = 20;
constexpr int kSteps = 1600;  // 10-16 s uninterrupted: 20 kills of at most ~2 s each do not finish it
// A tiny run long enough to be killed many times, checkpointing every few steps so that some kills
// land inside a checkpoint write.
const QStringList kRun = moco::test::kTinyRunArgs +
                         QStringList{"--set", QString("run.total_steps=%1").arg(kSteps), "--set", "run.checkpoint_every=3", "-q"};

QString readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// "step:loss" of every row of metrics.csv.
QStringList losses(const QString& folder) {
  QStringList out;
  const auto lines = readAll(folder + "/metrics.csv").split('\n', Qt::SkipEmptyParts);
  for (int i = 1; i < lines.size(); ++i) out << lines[i].section(',', 0, 0) + ":" + lines[i].section(',', 2, 2);
  return out;
}

}  // namespace

class TestKilledRuns : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void killedTwentyTimesThenFinishedEqualsOneRun() {
    const QString whole = dir_.filePath("whole"), killed = dir_.filePath("killed");
    const auto uninterrupted = moco::test::run_moco_train(kRun + QStringList{"--out", whole});
    QVERIFY2(uninterrupted.code == 0, qPrintable(uninterrupted.err));
    const QStringList expected = losses(whole);
    QCOMPARE(expected.size(), kSteps);

    // The kill moments: from a fifth of the time this build takes to start and take two steps to
    // 2.5 times it (150 .. 1900 ms in a plain build; several times more under the sanitizers), so
    // that some land before the first step and most after it. The same draws on every run.
    QElapsedTimer startup;
    startup.start();
    const auto probe = moco::test::run_moco_train(kRun + QStringList{"--steps", "2", "--out", dir_.filePath("startup")});
    QVERIFY2(probe.code == 0, qPrintable(probe.err));
    const int startupMs = int(startup.elapsed());
    std::mt19937 draw(20261202);
    std::uniform_int_distribution<int> after_ms(startupMs / 5, startupMs * 5 / 2);
    int killedWhileRunning = 0;
    for (int kill = 0; kill < kKills; ++kill) {
      const bool started = QFile::exists(killed + "/config.json");
      QProcess p;
      p.start(QStringLiteral(MOCO_TRAIN_PATH), started ? QStringList{"--resume", killed, "-q"} : kRun + QStringList{"--out", killed});
      QVERIFY(p.waitForStarted());
      const bool finished = p.waitForFinished(after_ms(draw));
      if (!finished) {
        p.kill();  // SIGKILL: no handler runs, nothing is flushed
        QVERIFY(p.waitForFinished(10000));
        ++killedWhileRunning;
      }
      QVERIFY2(!finished || p.exitCode() == 0, qPrintable(QString::fromUtf8(p.readAllStandardError())));
      // Whatever the moment, the metrics files hold whole lines only.
      for (const char* name : {"metrics.csv", "metrics.jsonl"}) {
        const QString text = readAll(killed + "/" + name);
        QVERIFY2(text.isEmpty() || text.endsWith('\n'), qPrintable(QString("%1 after kill %2").arg(name).arg(kill)));
      }
      if (finished) break;  // the run got to its end between two kills
    }
    QVERIFY2(killedWhileRunning >= kKills / 2, qPrintable(QString::number(killedWhileRunning)));

    const auto last = moco::test::run_moco_train({"--resume", killed, "-q"});
    QVERIFY2(last.code == 0, qPrintable(last.err));
    QCOMPARE(losses(killed), expected);  // every step once, in order, and bit-identical losses
    moco::RunFolder folder(killed.toStdString());
    QCOMPARE(int(folder.read().metrics.size()), kSteps);
    QVERIFY(folder.has_checkpoint());
  }

  void resumingARunStoppedBeforeItsFirstCheckpointStartsItAgain() {
    const QString folder = dir_.filePath("early");
    QVERIFY(QDir().mkpath(folder));
    // What a run killed before its first checkpoint leaves: its config, a few rows, one cut short.
    const auto printed = moco::test::run_moco_train(kRun + QStringList{"--steps", "2", "--out", dir_.filePath("probe")});
    QVERIFY2(printed.code == 0, qPrintable(printed.err));
    QVERIFY(QFile::copy(dir_.filePath("probe/config.json"), folder + "/config.json"));
    const QString csv = readAll(dir_.filePath("probe/metrics.csv"));
    QFile cut(folder + "/metrics.csv");
    QVERIFY(cut.open(QIODevice::WriteOnly));
    cut.write(csv.toUtf8() + "3,0,4.1");  // a row cut short
    cut.close();
    QFile cutJson(folder + "/metrics.jsonl");
    QVERIFY(cutJson.open(QIODevice::WriteOnly));
    cutJson.write(readAll(dir_.filePath("probe/metrics.jsonl")).toUtf8() + "{\"step\":3,\"epo");
    cutJson.close();
    const auto resumed = moco::test::run_moco_train({"--resume", folder, "--steps", "4", "-q"});
    QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
    const QStringList rows = losses(folder);
    QCOMPARE(rows.size(), 4);
    QVERIFY(rows.front().startsWith("1:") && rows.back().startsWith("4:"));
    // The cut JSON line (which has no step to read) is gone too: one whole line per step.
    const auto jsonLines = readAll(folder + "/metrics.jsonl").split('\n', Qt::SkipEmptyParts);
    QCOMPARE(jsonLines.size(), 4);
    for (const auto& line : jsonLines)
      QVERIFY2(QJsonDocument::fromJson(line.toUtf8()).object().contains("step"), qPrintable(line));

    QVERIFY(QDir().mkpath(dir_.filePath("empty")));
    const auto nothing = moco::test::run_moco_train({"--resume", dir_.filePath("empty"), "-q"});
    QVERIFY(nothing.code != 0);
    QVERIFY2(nothing.err.contains("no run to resume"), qPrintable(nothing.err));
  }
};

QTEST_MAIN(TestKilledRuns)
#include "tst_killed_runs.moc"
