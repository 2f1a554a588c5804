// The workbench left running for a lecture's length: the real window (Qt offscreen by default)
// trains run after run while, every few seconds, a live edit is made (m, τ or the crop scale, as
// a teacher drags them), the views are switched, t-SNE maps the features, neighbours are searched
// and evaluations run on their schedule. Measured the whole time: every gap of a 5 ms probe timer
// (the longest the event loop was blocked), the process's resident memory, and every error the
// window reports (training, evaluation, dataset, Qt warnings).
//
//   gui_soak [--config FILE] [--minutes 30] [--edit-every 5] [--tab-every 20] [--tsne-every 60]
//            [--search-every 90] [--eval-every 100] [--sample-every 10] [--csv FILE] [--json-out FILE]
//            [--max-stall-ms MS] [--max-rss-growth-mb MB]
//
// Each stall is recorded with what explains it: the GUI thread's CPU time in the gap, the time
// spent in events and the longest one, where a watchdog thread saw the GUI thread (runnable, in a
// lock, in the kernel; its stack once the gap reaches 60 ms) and how late the watchdog itself woke
// (a machine-wide pause: the soak counts those apart).
//
// Prints one JSON object. Exit 1 when the window reported an error, training never started, or a
// live edit of m or τ did not show in the engine's metrics within a minute; 2 when a --max-… bound
// was exceeded; 0 otherwise. The memory growth is measured from the sample at a sixth of the time (after the dataset, the first t-SNE
// map and the evaluation banks exist) to the end. The window is closed during a neighbour search,
// and how long closing took is reported.
#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSpinBox>
#include <QTabWidget>
#include <cmath>
#include <cstdio>
#include <optional>

#include "api/files.h"
#include "dataset_cache.h"
#include "eval_monitor.h"
#include "gui_bench_support.h"
#include "resident_memory.h"
#include "session_controller.h"
#include "stall_watch.h"
#include "startup.h"
#include "views/neighbours_view.h"
#include "views/tsne_view.h"

using namespace moco;
using bench::part;
using bench::threadCpuMs;
using bench::TimedApplication;
using bench::Watchdog;

namespace {

constexpr int kProbeMs = 5;
constexpr qint64 kStallMs = 50;            // the bound on an event-loop stall
constexpr int kWarmUpTimeoutMs = 300000;   // dataset loading and the first step
constexpr int kConfirmTimeoutMs = 60000;   // a live edit must show in the engine's metrics by then

QStringList problems;  // errors the window or Qt reported, in order
int qtWarnings = 0;

void collectQtMessages(QtMsgType type, const QMessageLogContext&, const QString& message) {
  std::fprintf(stderr, "qt: %s\n", qPrintable(message));
  if (type == QtWarningMsg) ++qtWarnings;
  if (type == QtCriticalMsg || type == QtFatalMsg) problems << "Qt: " + message;
  if (type == QtFatalMsg) std::abort();
}

struct Stall {
  double at_s;
  qint64 ms;
  QString context;  // what the window was doing
  double cpu_ms;    // the GUI thread's CPU time in the gap
  double in_events_ms;
  int events;
  TimedApplication::Slow longest_event;
  QString gui_thread_seen;  // the watchdog's samples of where the GUI thread was
  double watchdog_late_ms;  // how late the watchdog's own wake-up was: the machine's pause
};

// A live edit waiting to show in the metrics of a later step.
struct PendingEdit {
  QString key;
  double value;
  qint64 made_ms;
};

// Least-squares slope of y over x (MiB per minute here); 0 with fewer than two points.
double slope(const std::vector<std::pair<double, double>>& xy) {
  if (xy.size() < 2) return 0;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [x, y] : xy) sx += x, sy += y, sxx += x * x, sxy += x * y;
  const double n = double(xy.size()), d = n * sxx - sx * sx;
  return d == 0 ? 0 : (n * sxy - sx * sy) / d;
}

}  // namespace

int main(int argc, char** argv) {
  bench::offscreenWithoutDisplay();
  TimedApplication app(argc, argv);
  const auto runs = bench::benchSettings("gui_soak");
  QCommandLineParser cli;
  cli.addHelpOption();
  const auto option = [&](const char* name, const char* help, const char* value, const char* fallback = "") {
    QCommandLineOption o(name, help, value, fallback);
    cli.addOption(o);
    return o;
  };
  const auto configOption = option("config", "Experiment JSON (default: MoCo v2 on Fashion-MNIST).", "file");
  const auto minutesOption = option("minutes", "How long to soak.", "min", "30");
  const auto editOption = option("edit-every", "Seconds between live edits.", "s", "5");
  const auto tabOption = option("tab-every", "Seconds between switching views.", "s", "20");
  const auto tsneOption = option("tsne-every", "Seconds between t-SNE snapshots.", "s", "60");
  const auto searchOption = option("search-every", "Seconds between neighbour searches.", "s", "90");
  const auto evalOption = option("eval-every", "Steps between the window's evaluations.", "steps", "100");
  const auto sampleOption = option("sample-every", "Seconds between memory samples.", "s", "10");
  const auto csvOption = option("csv", "Write the samples (time, RSS, steps, …) to this CSV file.", "file");
  const auto jsonOption = option("json-out", "Also append the JSON summary to this file.", "file");
  const auto stallOption = option("max-stall-ms", "Exit 2 when the event loop was blocked longer.", "ms");
  const auto growthOption = option("max-rss-growth-mb", "Exit 2 when memory grew more after warm-up.", "MiB");
  cli.process(app);
  const double minutes = cli.value(minutesOption).toDouble();
  const qint64 durationMs = qint64(minutes * 60000);
  const auto everyMs = [&](const QCommandLineOption& o) { return qint64(cli.value(o).toDouble() * 1000); };
  if (durationMs <= 0 || everyMs(editOption) <= 0 || everyMs(sampleOption) <= 0) {
    std::fprintf(stderr, "gui_soak: --minutes, --edit-every and --sample-every must be positive\n");
    return 1;
  }

  const auto [config, problem] = initialExperiment(cli.value(configOption), {});
  if (!problem.isEmpty()) {
    std::fprintf(stderr, "gui_soak: %s\n", qPrintable(problem));
    return 1;
  }
  qInstallMessageHandler(collectQtMessages);
  MainWindow window(config);
  part<QSpinBox>(window, "evalEvery")->setValue(cli.value(evalOption).toInt());
  part<QSpinBox>(window, "tsneEvery")->setValue(0);  // the soak takes its snapshots on its own clock
  window.resize(1400, 900);
  window.show();

  auto* controller = window.findChild<SessionController*>();
  auto* evalMonitor = window.findChild<EvalMonitor*>();
  auto* datasets = window.findChild<DatasetCache*>();
  auto* tsne = part<TsneView>(window, "tsne");
  auto* neighbours = part<NeighboursView>(window, "neighbours");
  auto* views = part<QTabWidget>(window, "views");
  if (!controller || !evalMonitor || !datasets) qFatal("gui_soak: the window has no session, evaluation or dataset cache");

  QElapsedTimer clock;
  clock.start();
  const auto nowS = [&] { return double(clock.elapsed()) / 1000.0; };
  int64_t steps = 0;
  int runsStarted = 0, evaluations = 0, maps = 0, searches = 0, edits = 0, tracked = 0, confirmed = 0, warnings = 0;
  std::optional<PendingEdit> pending;
  qint64 slowestConfirmMs = 0;
  QObject::connect(controller, &SessionController::failed, [&](const QString& m) { problems << "training: " + m; });
  QObject::connect(controller, &SessionController::warning, [&](const QString& m) {
    ++warnings;
    std::fprintf(stderr, "gui_soak: warning at %.0f s: %s\n", nowS(), qPrintable(m));
  });
  QObject::connect(evalMonitor, &EvalMonitor::failed, [&](const QString& m) { problems << "evaluation: " + m; });
  QObject::connect(datasets, &DatasetCache::failed, [&](const QString& m) { problems << "dataset: " + m; });
  QObject::connect(evalMonitor, &EvalMonitor::evaluated, [&] { ++evaluations; });
  QObject::connect(tsne, &TsneView::mapped, [&] { ++maps; });
  QObject::connect(neighbours, &NeighboursView::searched, [&] { ++searches; });
  QObject::connect(controller, &SessionController::metricsArrived, [&](const QVector<StepMetrics>& metrics) {
    steps += metrics.size();
    if (!pending || metrics.isEmpty()) return;
    const StepMetrics& last = metrics.back();
    const double seen = pending->key == "moco.momentum.spin" ? last.momentum : last.temperature;
    if (std::abs(seen - pending->value) < 1e-9) {
      ++confirmed;
      slowestConfirmMs = std::max(slowestConfirmMs, clock.elapsed() - pending->made_ms);
      pending.reset();
    }
  });

  // What the window was doing, for the stalls' record.
  const auto context = [&] {
    QStringList doing{views->currentWidget() ? views->currentWidget()->objectName() : QString("?")};
    if (tsne->isMapping()) doing << "t-SNE mapping";
    if (evalMonitor->busy()) doing << "evaluating";
    doing << to_string(controller->state());
    return doing.join(", ");
  };

  // The probe: every gap between its ticks; those above the bound are kept with their context.
  std::vector<qint64> gaps;
  gaps.reserve(size_t(durationMs / kProbeMs) + 16);
  std::vector<Stall> stalls;
  qint64 lastTick = -1;
  double lastCpuMs = 0;
  Watchdog watchdog;
  QTimer probe;
  probe.setTimerType(Qt::PreciseTimer);
  QObject::connect(&probe, &QTimer::timeout, [&] {
    const qint64 now = clock.elapsed();
    const double cpuMs = threadCpuMs();
    watchdog.ticked();
    const QString seen = watchdog.take();
    const double watchdogLateMs = watchdog.takeLateMs();
    if (lastTick >= 0) {
      gaps.push_back(now - lastTick);
      if (now - lastTick > kStallMs)
        stalls.push_back({double(now) / 1000.0, now - lastTick, context(), cpuMs - lastCpuMs, app.gapBusyMs,
                          app.gapEvents, app.gapLongest, seen, watchdogLateMs});
    }
    lastTick = now;
    lastCpuMs = cpuMs;
    app.resetGap();
  });

  // Samples of memory and progress, each appended (and checked) as it is taken.
  std::optional<AppendFile> csv;
  try {
    if (cli.isSet(csvOption)) {
      write_file(cli.value(csvOption).toStdString(),
                 "seconds,rss_mib,steps,runs,evaluations,tsne_maps,searches,edits,stalls_over_50ms\n");
      csv.emplace(cli.value(csvOption).toStdString());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gui_soak: %s\n", e.what());
    return 1;
  }
  std::vector<std::pair<double, double>> rss;  // (minutes, MiB)
  const auto sample = [&] {
    const double mib = bench::resident_mib();
    rss.push_back({nowS() / 60.0, mib});
    if (!csv) return;
    try {
      csv->append(QString("%1,%2,%3,%4,%5,%6,%7,%8,%9\n")
                      .arg(nowS(), 0, 'f', 1).arg(mib, 0, 'f', 1).arg(steps).arg(runsStarted).arg(evaluations)
                      .arg(maps).arg(searches).arg(edits).arg(stalls.size())
                      .toStdString());
    } catch (const std::exception& e) {
      problems << QString::fromUtf8(e.what());
      csv.reset();  // said once; the soak goes on
    }
  };

  // The director: one tick a second decides what a user would do next.
  const QList<QPair<const char*, QPair<double, double>>> editCycle = {
      {"moco.momentum.spin", {0.995, 0.99}}, {"moco.temperature", {0.15, 0.2}}, {"augment.crop_scale_min", {0.3, 0.2}}};
  int editIndex = 0;
  qint64 nextEdit = everyMs(editOption), nextTab = everyMs(tabOption), nextTsne = everyMs(tsneOption),
         nextSearch = everyMs(searchOption), nextSample = 0;
  const auto startRun = [&] {
    ++runsStarted;
    part<QAction>(window, "start")->trigger();
  };
  QTimer director;
  QObject::connect(&director, &QTimer::timeout, [&] {
    const qint64 now = clock.elapsed();
    const SessionState state = controller->state();
    if (state == SessionState::Finished || state == SessionState::Stopped || state == SessionState::Failed) startRun();
    if (pending && now - pending->made_ms > kConfirmTimeoutMs) {
      problems << QString("the live edit %1 = %2 made at %3 s did not reach the engine within %4 s")
                      .arg(pending->key).arg(pending->value).arg(double(pending->made_ms) / 1000.0).arg(kConfirmTimeoutMs / 1000);
      pending.reset();
    }
    if (now >= nextEdit && state == SessionState::Running) {
      nextEdit = now + everyMs(editOption);
      const auto& [key, values] = editCycle[editIndex % editCycle.size()];
      auto* spin = part<QDoubleSpinBox>(window, key);
      const double value = std::abs(spin->value() - values.first) < 1e-9 ? values.second : values.first;
      spin->setValue(value);
      ++edits;
      ++editIndex;
      // m and τ show in every step's metrics; the crop scale shows in none, so it is only made.
      if (!pending && QString(key) != "augment.crop_scale_min") {
        pending = PendingEdit{key, value, now};
        ++tracked;
      }
    }
    if (everyMs(tabOption) > 0 && now >= nextTab) {
      nextTab = now + everyMs(tabOption);
      views->setCurrentIndex((views->currentIndex() + 1) % views->count());
    }
    if (everyMs(tsneOption) > 0 && now >= nextTsne && controller->acceptsJobs()) {
      nextTsne = now + everyMs(tsneOption);
      if (!tsne->isMapping()) tsne->snapshot();
    }
    if (everyMs(searchOption) > 0 && now >= nextSearch && controller->acceptsJobs()) {
      nextSearch = now + everyMs(searchOption);
      neighbours->search();
    }
    if (now >= nextSample) {
      nextSample = now + everyMs(sampleOption);
      sample();
    }
  });

  startRun();
  bench::waitUntil([&] { return steps >= 1 || !problems.isEmpty(); }, kWarmUpTimeoutMs);
  if (steps < 1) {
    std::fprintf(stderr, "gui_soak: training did not start: %s\n", qPrintable(problems.join("; ")));
    return 1;
  }
  clock.restart();  // the soak's time counts from the first step
  probe.start(kProbeMs);
  director.start(1000);
  bench::waitUntil([&] { return clock.elapsed() >= durationMs; }, int(durationMs) + 5000);
  probe.stop();
  director.stop();
  sample();
  // Closed as a user closes it at the worst moment: a neighbour search (features of the whole
  // bank, on the training thread) under way.
  if (controller->acceptsJobs()) {
    neighbours->search();
    bench::waitUntil([] { return false; }, 500);
  }
  QElapsedTimer closing;
  closing.start();
  window.close();
  const qint64 closeMs = closing.elapsed();

  // Memory growth after warm-up: from the sample at a sixth of the soak to the last.
  const double warmMinutes = minutes / 6.0;
  std::vector<std::pair<double, double>> after;
  for (const auto& point : rss)
    if (point.first >= warmMinutes) after.push_back(point);
  double peak = 0;
  for (const auto& point : rss) peak = std::max(peak, point.second);
  const double warmRss = after.empty() ? rss.front().second : after.front().second;
  const double growth = rss.back().second - warmRss;

  const bench::GapStats gapStats = bench::gapStats(gaps);
  // Stalls during which the watchdog itself was held up for half the gap or more happened to the
  // whole machine; the rest are the process's own.
  qint64 longestOwnStall = 0;
  int machinePauses = 0;
  for (const Stall& s : stalls) {
    if (s.watchdog_late_ms >= double(s.ms) / 2) ++machinePauses;
    else longestOwnStall = std::max(longestOwnStall, s.ms);
  }
  std::sort(stalls.begin(), stalls.end(), [](const Stall& a, const Stall& b) { return a.ms > b.ms; });
  QJsonArray worst;
  for (size_t i = 0; i < std::min<size_t>(stalls.size(), 10); ++i)
    worst.append(QJsonObject{{"at_s", std::round(stalls[i].at_s)},
                             {"ms", stalls[i].ms},
                             {"gui_cpu_ms", std::round(stalls[i].cpu_ms)},
                             {"in_events_ms", std::round(stalls[i].in_events_ms)},
                             {"events", stalls[i].events},
                             {"longest_event_ms", stalls[i].longest_event.ms},
                             {"longest_event", stalls[i].longest_event.what},
                             {"gui_thread_seen", stalls[i].gui_thread_seen},
                             {"watchdog_late_ms", std::round(stalls[i].watchdog_late_ms)},
                             {"doing", stalls[i].context}});
  std::sort(app.slow.begin(), app.slow.end(), [](const auto& a, const auto& b) { return a.ms > b.ms; });
  QJsonArray slowEvents;
  for (size_t i = 0; i < std::min<size_t>(app.slow.size(), 10); ++i)
    slowEvents.append(QJsonObject{{"ms", app.slow[i].ms}, {"event", app.slow[i].what}});
  QJsonObject summary{
      {"minutes", minutes},
      {"steps", qint64(steps)},
      {"runs", runsStarted},
      {"evaluations", evaluations},
      {"tsne_maps", maps},
      {"neighbour_searches", searches},
      {"live_edits", edits},
      {"live_edits_checked", tracked},
      {"live_edits_confirmed", confirmed},
      {"slowest_edit_to_engine_ms", slowestConfirmMs},
      {"longest_stall_ms", gapStats.longest},
      {"p99_gap_ms", gapStats.p99},
      {"p999_gap_ms", gapStats.p999},
      {"probe_ticks", qint64(gapStats.ticks)},
      {"stalls_over_50ms", qint64(stalls.size())},
      {"stalls_over_50ms_machine_paused", machinePauses},
      {"longest_stall_ms_process_running", longestOwnStall},
      {"worst_stalls", worst},
      {"slowest_events", slowEvents},
      {"rss_mib_after_warmup", std::round(warmRss)},
      {"rss_mib_peak", std::round(peak)},
      {"rss_mib_end", std::round(rss.back().second)},
      {"rss_growth_mib_after_warmup", std::round(growth)},
      {"rss_slope_mib_per_min_after_warmup", std::round(slope(after) * 100) / 100},
      {"close_ms", closeMs},
      {"session_warnings", warnings},
      {"qt_warnings", qtWarnings},
      {"errors", QJsonArray::fromStringList(problems)},
  };
  const QByteArray line = QJsonDocument(summary).toJson(QJsonDocument::Compact);
  std::printf("%s\n", line.constData());
  std::fflush(stdout);
  if (cli.isSet(jsonOption)) {
    try {
      AppendFile(cli.value(jsonOption).toStdString()).append(line.toStdString() + "\n");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "gui_soak: %s\n", e.what());
      return 1;
    }
  }
  // An edit still pending at the end had less than its timeout; one past it is already a problem.
  if (!problems.isEmpty() || confirmed < tracked - (pending ? 1 : 0)) return 1;
  if (cli.isSet(stallOption) && gapStats.longest > cli.value(stallOption).toLongLong()) return 2;
  if (cli.isSet(growthOption) && growth > cli.value(growthOption).toDouble()) return 2;
  return 0;
}
