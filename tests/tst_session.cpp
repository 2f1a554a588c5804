// TrainingSession: the worker thread's vocabulary (start, pause, step_once, resume, stop), errors
// as events, jobs between steps and after the end, and a destructor that never hangs.
#include <QProcess>
#include <QtTest/QtTest>
#include <atomic>
#include <thread>

#include "api/analysis.h"
#include "api/run_folder.h"
#include "api/training_session.h"
#include "eval/knn.h"
#include "runtime/interrupt.h"
#include "test_support.h"
#include "train/trainer.h"

using namespace moco;

namespace {
bool has_event(const std::vector<SessionEvent>& events, SessionEvent::Kind kind) {
  for (const auto& e : events)
    if (e.kind == kind) return true;
  return false;
}
}  // namespace

class TestSession : public QObject {
  Q_OBJECT
 private slots:
  void runsToTheEndAndServesJobsAfterwards() {
    TrainingSession session(test::tiny_config(), test::tiny_dataset());
    session.start({3});
    session.wait();
    QCOMPARE(session.state(), SessionState::Finished);
    QCOMPARE(int(session.take_metrics().size()), 3);
    const auto events = session.take_events();
    QVERIFY(has_event(events, SessionEvent::Kind::Started) && has_event(events, SessionEvent::Kind::Finished));
    std::atomic<int64_t> ages_seen{-1};
    session.run_between_steps([&](Trainer& t) { ages_seen = int64_t(queue_slot_ages(t).size()); });
    QTRY_COMPARE_WITH_TIMEOUT(ages_seen.load(), int64_t(64), 10000);
    QTemporaryDir dir;
    session.request_checkpoint(dir.filePath("end.pt").toStdString());
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(dir.filePath("end.pt")), 10000);
  }

  void pauseStepResumeStop() {
    TrainingSession session(test::tiny_config(), test::tiny_dataset());
    session.pause();  // paused before it starts: nothing runs until asked
    session.start({1000});
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), SessionState::Paused, 10000);
    QCOMPARE(session.steps_done(), int64_t(0));
    session.step_once();
    QTRY_COMPARE_WITH_TIMEOUT(session.steps_done(), int64_t(1), 10000);
    QTest::qWait(200);
    QCOMPARE(session.steps_done(), int64_t(1));
    Config live = test::tiny_config();
    live.moco.momentum = 0.5;
    live.moco.queue_size = 7;  // not live: ignored
    session.set_live(live);
    session.resume();
    QTRY_VERIFY_WITH_TIMEOUT(session.steps_done() > 3, 10000);
    session.stop();
    session.wait();
    QCOMPARE(session.state(), SessionState::Stopped);
    const auto metrics = session.take_metrics();
    QCOMPARE(metrics.back().momentum, 0.5);
  }

  void threadCountChangesOnTheWorker() {
    Config c = test::tiny_config();
    c.run.threads = 2;
    TrainingSession session(c, test::tiny_dataset());
    session.pause();
    session.start({1000});
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), SessionState::Paused, 10000);
    std::atomic<int> seen{0};
    session.run_between_steps([&](Trainer&) { seen = torch::get_num_threads(); });
    QTRY_COMPARE_WITH_TIMEOUT(seen.load(), 2, 10000);
    session.set_threads(1);  // what the GUI does while t-SNE maps
    session.run_between_steps([&](Trainer&) { seen = torch::get_num_threads(); });
    QTRY_COMPARE_WITH_TIMEOUT(seen.load(), 1, 10000);
    session.step_once();
    QTRY_COMPARE_WITH_TIMEOUT(session.steps_done(), int64_t(1), 10000);
    session.set_threads(2);
    session.run_between_steps([&](Trainer&) { seen = torch::get_num_threads(); });
    QTRY_COMPARE_WITH_TIMEOUT(seen.load(), 2, 10000);
  }

  void failuresBecomeEvents() {
    Config c = test::tiny_config();
    c.data.dataset = DatasetName::Idx;
    c.data.path = "/no/such/folder";
    TrainingSession session(c);
    session.start();
    session.wait();
    QCOMPARE(session.state(), SessionState::Failed);
    bool named = false;
    for (const auto& e : session.take_events())
      named = named || (e.kind == SessionEvent::Kind::Failed && e.message.find("/no/such/folder") != std::string::npos);
    QVERIFY(named);
    session.run_between_steps([](Trainer&) {});  // no model: a warning, not a crash
    std::vector<SessionEvent> later;
    auto collect = [&] {
      for (auto& e : session.take_events()) later.push_back(e);
      return has_event(later, SessionEvent::Kind::Warning);
    };
    QTRY_VERIFY_WITH_TIMEOUT(collect(), 5000);
  }

  // A workbench run records itself as moco-train does, checkpoint_every included.
  void runFolderGetsMetricsAndPeriodicCheckpoints() {
    QTemporaryDir dir;
    Config c = test::tiny_config();
    c.run.checkpoint_every = 2;
    TrainingSession::StartOptions options;
    options.stop_at_step = 5;
    options.run_folder = dir.filePath("run").toStdString();
    TrainingSession session(c, test::tiny_dataset());
    session.pause();
    session.start(options);
    for (int64_t step = 1; step <= 3; ++step) {
      session.step_once();
      QTRY_COMPARE_WITH_TIMEOUT(session.steps_done(), step, 10000);
      QTRY_COMPARE_WITH_TIMEOUT(session.state(), SessionState::Paused, 10000);
    }
    const RunFolder folder(options.run_folder);
    QVERIFY(folder.has_checkpoint());  // written at step 2
    QCOMPARE(read_checkpoint_config(folder.checkpoint()).run.checkpoint_every, int64_t(2));
    Floors floors;
    floors.pixel_knn_top1 = 0.25;
    session.record(floors);
    session.resume();
    session.wait();
    QCOMPARE(session.state(), SessionState::Finished);
    const RunRecord record = folder.read();
    QCOMPARE(int(record.metrics.size()), 5);
    QVERIFY(record.config.has_value());
    QVERIFY(record.floors.has_value());
    QCOMPARE(record.floors->pixel_knn_top1, 0.25);
    QVERIFY(QFile::exists(QString::fromStdString(folder.file(RunFolder::kEncoderFile))));
  }

  // Every draw comes from the run's generators: the GUI's session and moco-train give the same
  // losses for the same configuration even while the floors (a random encoder of the same seed)
  // are built on another thread and an evaluation runs between steps.
  void sessionAndCliTrainIdenticallyWhileEvaluating() {
    QTemporaryDir dir;
    Config c = test::tiny_config();
    c.run.threads = 1;
    const QString configPath = dir.filePath("c.json");
    save_config_file(c, configPath.toStdString());
    QProcess cli;
    cli.start(QStringLiteral(MOCO_TRAIN_PATH),
              {"--config", configPath, "--steps", "10", "--out", dir.filePath("cli"), "--quiet"});

    auto dataset = load_dataset_shared(c.data);  // what the window's dataset cache hands the session
    TrainingSession session(c, dataset);
    std::atomic<bool> floors_done{false};
    std::thread floors([&] {
      for (int i = 0; i < 3; ++i) knn_floors(c, *dataset, KnnOptions{});
      floors_done = true;
    });
    session.start({10});
    EvalOptions eval;
    eval.knn.k = 5;
    session.run_between_steps([&](Trainer& t) { evaluate(t, eval); });
    session.wait();
    floors.join();
    QVERIFY(floors_done);
    QVERIFY2(cli.waitForFinished(120000) && cli.exitCode() == 0, cli.readAllStandardError().constData());

    const auto expected = RunFolder(dir.filePath("cli").toStdString()).read().metrics;
    const auto got = session.take_metrics();
    QCOMPARE(int(got.size()), 10);
    QCOMPARE(int(expected.size()), 10);
    for (size_t i = 0; i < got.size(); ++i)  // metrics.csv keeps 9 significant digits
      QVERIFY2(QString::number(got[i].loss, 'g', 9) == QString::number(expected[i].loss, 'g', 9),
               qPrintable(QString("step %1: session %2, moco-train %3").arg(i + 1).arg(got[i].loss, 0, 'g', 9).arg(expected[i].loss, 0, 'g', 9)));
  }

  void destroyingWhileTrainingIsClean() {
    QElapsedTimer timer;
    timer.start();
    {
      TrainingSession session(test::tiny_config(), test::tiny_dataset());
      session.start({100000});
      QTRY_VERIFY_WITH_TIMEOUT(session.steps_done() > 0, 10000);
    }
    QVERIFY(timer.elapsed() < 15000);
  }

  // Closing the window mid-evaluation: the job running ends at its next batch and the jobs queued
  // behind it are dropped, instead of the window waiting for all of them (8 s in the 30-minute soak).
  void destroyingDuringALongJobInterruptsIt() {
    std::atomic<bool> running{false}, interrupted{false}, modeRestored{false}, queuedRan{false};
    QElapsedTimer timer;
    {
      TrainingSession session(test::tiny_config(), test::tiny_dataset());
      session.start({100000});
      QTRY_VERIFY_WITH_TIMEOUT(session.steps_done() > 0, 10000);
      session.run_between_steps([&](Trainer& t) {
        running = true;
        const auto images = t.dataset().test.images;
        try {
          for (int pass = 0; pass < 100000; ++pass) extract_features(*t.model().query, images, t.augmenter(), t.device(), false, 8);
        } catch (const Interrupted&) {
          interrupted = true;
          modeRestored = t.model().query->is_training();  // the extraction put back the training mode
          throw;
        }
      });
      session.run_between_steps([&](Trainer&) { queuedRan = true; });
      QTRY_VERIFY_WITH_TIMEOUT(running.load(), 10000);
      timer.start();
    }
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(interrupted.load());
    QVERIFY(modeRestored.load());
    QVERIFY(!queuedRan.load());
  }

  // Elsewhere (moco-train, the tests' own threads) nothing is watched and nothing is interrupted.
  void interruptsOnlyWhereWatched() {
    throw_if_interrupted();
    std::atomic<bool> flag{true};
    watch_interrupt(&flag);
    QVERIFY_EXCEPTION_THROWN(throw_if_interrupted(), Interrupted);
    flag = false;
    throw_if_interrupted();
    watch_interrupt(nullptr);
  }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
