// GUI responsiveness while training, and while training and t-SNE run together: the longest gap
// between ticks of a 5 ms probe timer (the longest the event loop was busy), its 99th percentile,
// how often the loss plot replotted, and the training rate. One JSON line per scenario.
//
//   gui_bench [--config FILE] [--seconds 10] [--tsne-points 2000] [--json-out FILE]
//
// Scenarios, in one window and one training run (the default experiment: MoCo v2 on Fashion-MNIST,
// the synthetic set where it is not installed):
//   curves          training, the curves tab shown (what a user watches)
//   curves+tsne     the same while t-SNE maps test features in the background, again and again
//   tsne-view+tsne  the t-SNE tab shown, drawing each intermediate layout (the animation)
// Runs on any Qt platform: offscreen by default when there is no display, or under xvfb-run.
#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QLabel>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "app_settings.h"
#include "main_window.h"
#include "message_banner.h"
#include "plots/loss_plot.h"
#include "startup.h"
#include "views/tsne_view.h"

using namespace moco;

namespace {

constexpr int kProbeMs = 5;
constexpr int kWarmUpTimeoutMs = 300000;  // dataset loading and the first steps

// Runs the event loop (sleeping while idle, as the real app does) until `done` or the timeout.
void waitUntil(const std::function<bool()>& done, int timeoutMs) {
  QEventLoop loop;
  QElapsedTimer clock;
  clock.start();
  QTimer poll;
  QObject::connect(&poll, &QTimer::timeout, [&] {
    if (done() || clock.elapsed() >= timeoutMs) loop.quit();
  });
  poll.start(20);
  loop.exec();
}

// The window's parts by objectName, as the tests find them. A missing one ends the bench with its
// name instead of a crash on null.
template <typename T>
T* part(MainWindow& window, const char* name) {
  T* found = window.findChild<T*>(name);
  if (!found) qFatal("gui_bench: the window has no %s named '%s'", T::staticMetaObject.className(), name);
  return found;
}

// Steps trained so far, as the run list shows the run's row (its Steps column).
int64_t stepsShown(MainWindow& window) {
  auto* tree = part<QTreeWidget>(window, "runTree");
  if (tree->topLevelItemCount() == 0) return 0;
  for (int column = 0; column < tree->columnCount(); ++column)
    if (tree->headerItem()->text(column) == "Steps") return tree->topLevelItem(0)->text(column).toLongLong();
  qFatal("gui_bench: the run list has no Steps column");
}

struct Probe {
  std::vector<qint64> gaps;  // ms between consecutive ticks
  int replots = 0;
};

// Runs the event loop for `seconds` with the probe timer ticking, counting the loss plot's replots.
Probe measure(MainWindow& window, double seconds) {
  Probe p;
  QElapsedTimer clock;
  clock.start();
  qint64 last = 0;
  QTimer probe;
  probe.setTimerType(Qt::PreciseTimer);
  QObject::connect(&probe, &QTimer::timeout, [&] {
    const qint64 now = clock.elapsed();
    p.gaps.push_back(now - last);
    last = now;
  });
  auto replots = QObject::connect(window.findChild<LossPlot*>(), &QCustomPlot::afterReplot, [&] { ++p.replots; });
  probe.start(kProbeMs);
  waitUntil([&] { return clock.elapsed() >= qint64(seconds * 1000); }, int(seconds * 1000) + 1000);
  probe.stop();
  QObject::disconnect(replots);
  return p;
}

QString report(const char* scenario, const Probe& p, double seconds, int64_t steps, int tsneMaps, int tsneFrames,
               int64_t batch) {
  std::vector<qint64> sorted = p.gaps;
  std::sort(sorted.begin(), sorted.end());
  const qint64 worst = sorted.empty() ? 0 : sorted.back();
  const qint64 p99 = sorted.empty() ? 0 : sorted[size_t(0.99 * double(sorted.size() - 1))];
  return QString(R"({"scenario": "%1", "seconds": %2, "longest_stall_ms": %3, "p99_gap_ms": %4, "probe_ticks": %5, )"
                 R"("loss_replots_per_s": %6, "steps": %7, "images_per_s": %8, "tsne_maps": %9, "tsne_frames": %10})")
      .arg(scenario)
      .arg(seconds)
      .arg(worst)
      .arg(p99)
      .arg(p.gaps.size())
      .arg(p.replots / seconds, 0, 'f', 1)
      .arg(steps)
      .arg(2.0 * double(batch) * double(steps) / seconds, 0, 'f', 0)
      .arg(tsneMaps)
      .arg(tsneFrames);
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
    qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setOrganizationName("MoCo Workbench Bench");
  QApplication::setApplicationName("gui_bench");
  QApplication::setStyle("Fusion");
  QTemporaryDir runs;  // the runs the window records are measured, not kept
  AppSettings().setRunsFolder(runs.path());
  QCommandLineParser cli;
  cli.addHelpOption();
  QCommandLineOption configOption("config", "Experiment JSON (default: MoCo v2 on Fashion-MNIST).", "file");
  QCommandLineOption secondsOption("seconds", "Probe time per scenario.", "s", "10");
  QCommandLineOption pointsOption("tsne-points", "Test images t-SNE maps.", "n", "2000");
  QCommandLineOption outOption("json-out", "Also append the JSON lines to this file.", "file");
  cli.addOptions({configOption, secondsOption, pointsOption, outOption});
  cli.process(app);
  const double seconds = cli.value(secondsOption).toDouble();

  const auto [config, problem] = initialExperiment(cli.value(configOption), {});
  if (!problem.isEmpty()) {
    std::fprintf(stderr, "gui_bench: %s\n", qPrintable(problem));
    return 1;
  }
  MainWindow window(config);
  // The scenarios decide when t-SNE runs; no periodic evaluation pauses the training either.
  for (const char* name : {"evalEvery", "tsneEvery"})
    if (auto* box = window.findChild<QSpinBox*>(name)) box->setValue(0);
  window.resize(1400, 900);
  window.show();
  // A failed run says so in the status bar and the banner.
  auto* state = part<QLabel>(window, "statusState");
  const auto failure = [&] { return state->text() == "failed" ? part<MessageBanner>(window, "messageBanner")->text() : QString(); };
  part<QAction>(window, "start")->trigger();
  waitUntil([&] { return stepsShown(window) >= 3 || !failure().isEmpty(); }, kWarmUpTimeoutMs);
  if (!failure().isEmpty() || stepsShown(window) < 3) {
    std::fprintf(stderr, "gui_bench: training did not start: %s\n", qPrintable(failure()));
    return 1;
  }

  auto* tsne = part<TsneView>(window, "tsne");
  auto* views = part<QTabWidget>(window, "views");
  auto* curves = part<QWidget>(window, "training-curves");
  if (auto* points = tsne->findChild<QSpinBox*>("tsnePoints")) points->setValue(cli.value(pointsOption).toInt());
  int maps = 0, frames = 0;
  bool keepMapping = false;
  // Keeps t-SNE busy: every finished map starts the next (warm-started) snapshot.
  QObject::connect(tsne, &TsneView::mapped, [&] {
    ++maps;
    if (keepMapping) tsne->snapshot();
  });
  QObject::connect(tsne, &TsneView::progress, [&](const QString&, int, int) { ++frames; });

  QStringList lines;
  const auto scenario = [&](const char* name, QWidget* tab, bool withTsne) {
    views->setCurrentWidget(tab);
    keepMapping = withTsne;
    if (withTsne && !tsne->isMapping()) tsne->snapshot();
    if (withTsne) waitUntil([&] { return tsne->isMapping(); }, kWarmUpTimeoutMs);
    maps = frames = 0;
    const int64_t from = stepsShown(window);
    const Probe p = measure(window, seconds);
    lines << report(name, p, seconds, stepsShown(window) - from, maps, frames, config.optim.batch_size);
    std::printf("%s\n", qPrintable(lines.back()));
    std::fflush(stdout);
  };
  scenario("curves", curves, false);
  scenario("curves+tsne", curves, true);
  scenario("tsne-view+tsne", tsne, true);
  keepMapping = false;

  QElapsedTimer closing;
  closing.start();
  window.close();
  std::printf(R"({"scenario": "close-while-training", "close_ms": %lld})" "\n", closing.elapsed());
  if (cli.isSet(outOption)) {
    QFile out(cli.value(outOption));
    if (!out.open(QIODevice::Append | QIODevice::Text)) {
      std::fprintf(stderr, "gui_bench: cannot write '%s': %s\n", qPrintable(out.fileName()), qPrintable(out.errorString()));
      return 1;
    }
    for (const auto& line : lines) out.write(line.toUtf8() + '\n');
  }
  return failure().isEmpty() ? 0 : 1;
}
