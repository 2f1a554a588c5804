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
#include <QLabel>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>
#include <vector>

#include "api/files.h"
#include "gui_bench_support.h"
#include "main_window.h"
#include "message_banner.h"
#include "plots/loss_plot.h"
#include "startup.h"
#include "views/tsne_view.h"

using namespace moco;
using bench::part;
using bench::stepsShown;
using bench::waitUntil;

namespace {

constexpr int kProbeMs = 5;
constexpr int kWarmUpTimeoutMs = 300000;  // dataset loading and the first steps

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
  const bench::GapStats gaps = bench::gapStats(p.gaps);
  return QString(R"({"scenario": "%1", "seconds": %2, "longest_stall_ms": %3, "p99_gap_ms": %4, "probe_ticks": %5, )"
                 R"("loss_replots_per_s": %6, "steps": %7, "images_per_s": %8, "tsne_maps": %9, "tsne_frames": %10})")
      .arg(scenario)
      .arg(seconds)
      .arg(gaps.longest)
      .arg(gaps.p99)
      .arg(gaps.ticks)
      .arg(p.replots / seconds, 0, 'f', 1)
      .arg(steps)
      .arg(2.0 * double(batch) * double(steps) / seconds, 0, 'f', 0)
      .arg(tsneMaps)
      .arg(tsneFrames);
}

}  // namespace

int main(int argc, char** argv) {
  bench::offscreenWithoutDisplay();
  QApplication app(argc, argv);
  const auto runs = bench::benchSettings("gui_bench");
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
    try {
      AppendFile out(cli.value(outOption).toStdString());
      for (const auto& line : lines) out.append(line.toStdString() + "\n");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "gui_bench: %s\n", e.what());
      return 1;
    }
  }
  return failure().isEmpty() ? 0 : 1;
}
