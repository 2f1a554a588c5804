#include "screenshot_tour.h"

#include <QApplication>
#include <QDir>
#include <QPixmap>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

#include "experiment_panel.h"
#include "main_window.h"
#include "save_file.h"
#include "session_controller.h"
#include "sweep_actions.h"
#include "views/neighbours_view.h"
#include "views/sweep_view.h"
#include "views/tsne_view.h"

namespace moco {
namespace {
constexpr int kSettleMs = 800;          // lets queued replots and layouts finish before grabbing
constexpr int kStageTimeoutMs = 180000;  // a stage that never reports still ends the tour
constexpr int kEvalPointsWanted = 5;      // evaluations over the run, for curves
constexpr qint64 kNeighbourQuery = 42;   // any test image; fixed so the screenshots repeat
}  // namespace

void ScreenshotTour::start(MainWindow* window, const QString& directory, int steps, const QString& sweepFolder) {
  new ScreenshotTour(window, directory, steps, sweepFolder);
}

ScreenshotTour::ScreenshotTour(MainWindow* window, const QString& directory, int steps, const QString& sweepFolder)
    : QObject(window), window_(window), directory_(directory), steps_(steps), sweepFolder_(sweepFolder) {
  QDir().mkpath(directory_);
  connect(window_->controller_, &SessionController::metricsArrived, this, &ScreenshotTour::onMetrics);
  connect(window_->controller_, &SessionController::failed, this, [](const QString& message) {
    std::fprintf(stderr, "screenshot run failed: %s\n", qPrintable(message));
    QApplication::exit(1);
  });
  if (auto* every = window_->findChild<QSpinBox*>("evalEvery")) every->setValue(std::max(1, steps_ / kEvalPointsWanted));
  QTimer::singleShot(kSettleMs, window_, [this] { window_->startTraining(); });
  // A run that never starts (the remembered experiment invalid, say) ends the tour with the reason
  // instead of leaving it waiting for steps.
  QTimer::singleShot(kStageTimeoutMs, this, [this] {
    if (window_->controller_->stepsDone() > 0) return;
    std::fprintf(stderr, "screenshot run: no training step within %d s\n", kStageTimeoutMs / 1000);
    QApplication::exit(1);
  });
}

void ScreenshotTour::onMetrics() {
  if (shooting_ || window_->controller_->stepsDone() < steps_) return;
  shooting_ = true;
  window_->controller_->pause();
  // Paused, the session still runs jobs between steps: the t-SNE snapshot, then the neighbours.
  auto* tsne = window_->findChild<TsneView*>("tsne");
  auto* neighbours = window_->findChild<NeighboursView*>("neighbours");
  auto once = std::make_shared<bool>(false);
  const auto next = [this, once] {
    if (std::exchange(*once, true)) return;
    QTimer::singleShot(kSettleMs, this, &ScreenshotTour::shoot);
  };
  connect(tsne, &TsneView::mapped, this, [neighbours] { neighbours->setQuery(kNeighbourQuery); });
  connect(neighbours, &NeighboursView::searched, this, next);
  QTimer::singleShot(kStageTimeoutMs, this, next);
  QTimer::singleShot(kSettleMs, this, [tsne] { tsne->snapshot(); });
}

void ScreenshotTour::save(QWidget* widget, const QString& name) {
  const QString path = QDir(directory_).filePath(name + ".png");
  QString error;
  if (!saveImage(widget->grab().toImage(), path, "PNG", &error)) std::fprintf(stderr, "%s\n", qPrintable(error));
  else std::printf("%s\n", qPrintable(path));
}

void ScreenshotTour::shoot() {
  auto* panel = window_->findChild<ExperimentPanel*>("experimentDock");
  auto* views = window_->findChild<QTabWidget*>("views");
  save(window_, "workbench");
  save(panel, "experiment-panel");
  if (auto* form = panel->findChild<QWidget*>("experimentContent")) save(form, "experiment-form");
  save(window_->findChild<QWidget*>("training-curves"), "training-curves");
  save(window_->findChild<QWidget*>("runDock"), "runs");
  for (int i = 1; i < views->count(); ++i) {
    if (views->widget(i) == window_->sweepView_) continue;  // shot last, with a sweep in it (or not at all)
    views->setCurrentIndex(i);
    QApplication::processEvents();
    QWidget* view = views->widget(i);
    save(view, view->objectName());
    save(window_, "workbench-" + view->objectName());
  }
  // The experiment form with a config moco::validate rejects: the messages at their fields.
  views->setCurrentIndex(0);
  const Config valid = panel->config();
  Config invalid = valid;
  invalid.moco.bn_splits = 3;
  invalid.moco.momentum = 1.5;
  panel->setConfig(invalid);
  QApplication::processEvents();
  if (auto* form = panel->findChild<QWidget*>("experimentContent")) save(form, "experiment-invalid");
  save(window_, "workbench-invalid");
  panel->setConfig(valid);  // else the window remembers the invalid one, and the next launch opens on it
  QApplication::processEvents();
  if (!sweepFolder_.isEmpty() && window_->sweeps_->openSweepFolder(sweepFolder_)) {
    QTimer::singleShot(kSettleMs, this, [this] {
      save(window_->sweepView_, window_->sweepView_->objectName());
      save(window_, "workbench-" + window_->sweepView_->objectName());
      finish();
    });
    return;
  }
  finish();
}

void ScreenshotTour::finish() {
  std::fflush(stdout);
  window_->close();
  QApplication::quit();
}

}  // namespace moco
