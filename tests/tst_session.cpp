// TrainingSession: the worker thread's vocabulary (start, pause, step_once, resume, stop), errors
// as events, jobs between steps and after the end, and a destructor that never hangs.
#include <QtTest/QtTest>
#include <atomic>

#include "analysis.h"
#include "test_support.h"
#include "training_session.h"

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
    session.start(3);
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
    session.start(1000);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), SessionState::Paused, 10000);
    QCOMPARE(session.steps_done(), int64_t(0));
    session.step_once();
    QTRY_COMPARE_WITH_TIMEOUT(session.steps_done(), int64_t(1), 10000);
    QTest::qWait(200);
    QCOMPARE(session.steps_done(), int64_t(1));
    session.set_momentum(0.5);
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
    session.start(1000);
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
    c.data.dataset = "idx";
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

  void destroyingWhileTrainingIsClean() {
    QElapsedTimer timer;
    timer.start();
    {
      TrainingSession session(test::tiny_config(), test::tiny_dataset());
      session.start(100000);
      QTRY_VERIFY_WITH_TIMEOUT(session.steps_done() > 0, 10000);
    }
    QVERIFY(timer.elapsed() < 15000);
  }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
