#include "main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>
#include <memory>

#include "api/datasets.h"
#include "dataset_cache.h"
#include "experiment_panel.h"
#include "file_actions.h"
#include "eval_monitor.h"
#include "message_banner.h"
#include "plots/plot_grid.h"
#include "run.h"
#include "run_dock.h"
#include "session_controller.h"
#include "status_panel.h"
#include "sweep_actions.h"
#include "training_actions.h"
#include "views/augment_pairs_view.h"
#include "views/dataset_view.h"
#include "views/neighbours_view.h"
#include "views/sweep_view.h"
#include "views/tsne_view.h"

namespace moco {
namespace {
constexpr QSize kDefaultSize(1400, 900);  // a classroom projector's comfortable size
constexpr int kStatusMessageMs = 6000;
constexpr int kDockWidth = 430;  // the experiment form's two-field rows fit without scrolling
}  // namespace

MainWindow::MainWindow(Config config, QWidget* parent)
    : QMainWindow(parent),
      controller_(new SessionController(this)),
      runs_(new RunList(this)),
      datasets_(new DatasetCache(this)),
      eval_(new EvalMonitor(controller_, datasets_, this)) {
  setWindowTitle(tr("MoCo Workbench"));
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

  panel_ = new ExperimentPanel(this);
  panel_->setConfig(config);
  addDockWidget(Qt::LeftDockWidgetArea, panel_);

  banner_ = new MessageBanner;
  plots_ = new PlotGrid(runs_);
  views_ = new QTabWidget;
  views_->setObjectName("views");
  views_->setDocumentMode(true);
  views_->addTab(plots_, tr("Training curves"));
  buildViews();
  auto* central = new QWidget;
  auto* column = new QVBoxLayout(central);
  column->setContentsMargins(4, 4, 4, 0);
  column->setSpacing(4);
  column->addWidget(banner_);
  column->addWidget(views_, 1);
  setCentralWidget(central);

  actions_ = new TrainingActions(this);
  auto* toolbar = addToolBar(tr("Training"));
  toolbar->setObjectName("trainingToolbar");
  toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  toolbar->setMovable(false);
  actions_->addTo(toolbar);
  status_ = new StatusPanel(statusBar());

  files_ = new FileActions({this, panel_, controller_, runs_, &settings_, [this] { return runDock_->currentRun(); },
                            [this] { return liveRun(); }});
  sweeps_ = new SweepActions({this, runs_, views_, sweepView_, banner_, statusBar(), &settings_});
  runDock_ = new RunDock(runs_, {files_->openRun(), sweeps_->openSweep(), files_->saveRun()}, this);
  addDockWidget(Qt::LeftDockWidgetArea, runDock_);
  resizeDocks({panel_, runDock_}, {640, 220}, Qt::Vertical);
  resizeDocks({panel_}, {kDockWidth}, Qt::Horizontal);
  buildMenus();
  connectController();
  connectAnalysis();

  connect(actions_->start(), &QAction::triggered, this, &MainWindow::startTraining);
  connect(actions_->pause(), &QAction::triggered, controller_, &SessionController::togglePause);
  connect(actions_->step(), &QAction::triggered, this, &MainWindow::stepTraining);
  connect(actions_->stop(), &QAction::triggered, controller_, &SessionController::stop);
  connect(actions_->reset(), &QAction::triggered, this, &MainWindow::resetTraining);
  connect(panel_, &ExperimentPanel::configEdited, this, &MainWindow::onConfigEdited);
  connect(panel_, &ExperimentPanel::recipeChanged, this,
          [this](const QString& what) { statusBar()->showMessage(what, kStatusMessageMs); });
  connect(panel_, &ExperimentPanel::validityChanged, this, &MainWindow::updateActions);
  connect(panel_, &ExperimentPanel::configReplaced, this, &MainWindow::followExperiment);
  connect(files_, &FileActions::failed, this,
          [this](const QString& title, const QString& message) { banner_->show(MessageBanner::Level::Error, title + ":", message); });
  connect(files_, &FileActions::done, this, [this](const QString& message) { statusBar()->showMessage(message, kStatusMessageMs); });
  connect(runs_, &RunList::runRemoved, this, [this](int id) {
    if (id == liveRunId_) liveRunId_ = 0;
  });

  resize(kDefaultSize);
  if (!restoreGeometry(settings_.windowGeometry())) resize(kDefaultSize);
  restoreState(settings_.windowState());
  updateActions();
  followExperiment();
}

MainWindow::~MainWindow() {
  controller_->reset();  // joins the worker before any widget it reports to goes away
}

Run* MainWindow::liveRun() const { return runs_->find(liveRunId_); }

void MainWindow::showMessage(const QString& message) { banner_->show(MessageBanner::Level::Warning, tr("Note:"), message); }

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  files_->addTo(file);
  file->insertAction(files_->saveRun(), sweeps_->openSweep());
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  connect(file, &QMenu::aboutToShow, files_, &FileActions::update);

  auto* training = menuBar()->addMenu(tr("&Training"));
  for (auto* a : {actions_->start(), actions_->pause(), actions_->step(), actions_->stop()}) training->addAction(a);
  training->addSeparator();
  training->addAction(actions_->reset());

  auto* lessons = menuBar()->addMenu(tr("&Lessons"));
  lessons->setObjectName("lessonsMenu");
  sweeps_->addLessonsTo(lessons);

  auto* view = menuBar()->addMenu(tr("&View"));
  view->addAction(panel_->toggleViewAction());
  view->addAction(runDock_->toggleViewAction());

  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("Keyboard shortcuts"), this, [this] {
    QMessageBox::information(this, tr("Keyboard shortcuts"),
                             tr("Ctrl+Return  start\nSpace  pause / resume\nS  one step\nCtrl+.  stop\nCtrl+R  reset\n"
                                "Ctrl+O / Ctrl+S  open / save experiment\nCtrl+Shift+O / Ctrl+Shift+S  open / save run"));
  });
  help->addAction(tr("About"), this, [this] {
    QMessageBox::about(this, tr("About MoCo Workbench"),
                       tr("Train MoCo (He et al. 2019; v2, Chen et al. 2020) and watch it learn.\nGPL-3.0-or-later."));
  });
}

void MainWindow::buildViews() {
  datasetView_ = new DatasetView;
  pairs_ = new AugmentPairsView;
  tsne_ = new TsneView(controller_, datasets_);
  neighbours_ = new NeighboursView(controller_, datasets_);
  sweepView_ = new SweepView;
  views_->addTab(datasetView_, tr("Dataset"));
  views_->addTab(pairs_, tr("Augmented pairs"));
  views_->addTab(tsne_, tr("t-SNE map"));
  views_->addTab(neighbours_, tr("Neighbours"));
  views_->addTab(sweepView_, tr("Sweep"));
}

void MainWindow::connectAnalysis() {
  connect(datasets_, &DatasetCache::loadingStarted, this, [this] {
    status_->showJob(tr("loading data"), 0, 0);
    datasetView_->showNote(tr("Loading…"));
  });
  connect(datasets_, &DatasetCache::loadingProgress, this, [this](qint64 done, qint64 total) {
    status_->showJob(tr("decoding images"), int(done), int(total));
    // What the set will take in memory is known before the first image decodes (RGB at the size
    // chosen): shown with the progress, so a user sees the cost of a large folder at once.
    const int64_t side = panel_->config().data.image_size > 0 ? panel_->config().data.image_size : kDefaultFolderImageSize;
    datasetView_->showNote(tr("Decoding images: %1 of %2 (%3 MB in memory at %4×%4 RGB)…")
                               .arg(done)
                               .arg(total)
                               .arg(double(total) * 3 * double(side * side) / 1e6, 0, 'f', 1)
                               .arg(side));
  });
  connect(datasets_, &DatasetCache::loaded, this, [this] {
    status_->showJob({}, 1, 1);
    pairs_->setDataset(datasets_->current(), datasets_->info());
    datasetView_->setDataset(datasets_->current(), datasets_->info());
    const auto& warnings = datasets_->info().warnings;
    if (!warnings.empty())
      banner_->show(MessageBanner::Level::Warning, tr("Dataset loaded with warnings:"),
                    QString::fromStdString(warnings.front()) +
                        (warnings.size() > 1 ? tr(" (and %1 more)").arg(warnings.size() - 1) : QString()));
  });
  connect(datasets_, &DatasetCache::failed, this, [this](const QString& message) {
    status_->showJob({}, 1, 1);
    datasetView_->showNote(tr("Cannot load the dataset: %1").arg(message));
    banner_->show(MessageBanner::Level::Warning, tr("Cannot load the dataset:"), message);
  });
  // Exact slot ages of the live run, read between two steps (a copy of K integers).
  plots_->setSlotAgeSource([this](int runId, std::function<void(const std::vector<int64_t>&, int64_t)> deliver) {
    if (runId != liveRunId_) return false;
    auto ages = std::make_shared<std::vector<int64_t>>();
    auto step = std::make_shared<int64_t>(0);
    return controller_->runJob([ages, step](Trainer& trainer) { *ages = queue_slot_ages(trainer, step.get()); },
                               [ages, step, deliver](const QString& error) {
                                 deliver(error.isEmpty() ? *ages : std::vector<int64_t>{}, *step);
                               });
  });
  // t-SNE and training share the cores: the step gives up the threads t-SNE takes while it maps.
  connect(tsne_, &TsneView::mappingChanged, controller_, &SessionController::setBackgroundThreads);
  connect(plots_, &PlotGrid::evalIntervalChanged, eval_, &EvalMonitor::setInterval);
  eval_->setInterval(plots_->evalInterval());
  connect(plots_, &PlotGrid::evaluateRequested, eval_, &EvalMonitor::evaluateNow);
  connect(eval_, &EvalMonitor::busyChanged, plots_, &PlotGrid::setEvaluating);
  connect(eval_, &EvalMonitor::busyChanged, this, [this](bool busy) { status_->showJob(tr("Evaluation"), busy ? 0 : 1, busy ? 0 : 1); });
  connect(eval_, &EvalMonitor::evaluated, this, [this](int runId, const EvalReport& report) {
    if (Run* run = runs_->find(runId)) runs_->appendEval(run, report);
    if (runId == liveRunId_) controller_->record(report);  // into the run folder's metrics.jsonl
  });
  connect(eval_, &EvalMonitor::floorsReady, this, [this](int runId, const Floors& floors) {
    if (Run* run = runs_->find(runId)) runs_->setFloors(run, floors);
    if (runId == liveRunId_) controller_->record(floors);
  });
  connect(eval_, &EvalMonitor::failed, this, [this](const QString& m) { banner_->show(MessageBanner::Level::Warning, tr("Evaluation:"), m); });
  connect(tsne_, &TsneView::progress, status_, &StatusPanel::showJob);
  connect(tsne_, &TsneView::imageChosen, this, [this](Split, qint64 index) {
    views_->setCurrentWidget(neighbours_);
    neighbours_->setQuery(index);
  });
}

void MainWindow::followExperiment() {
  const Config& c = panel_->config();
  bool dataValid = true, augmentValid = true;
  for (const auto& issue : validate(c)) {
    dataValid &= issue.field.rfind("data.", 0) != 0;
    augmentValid &= issue.field.rfind("augment.", 0) != 0;
  }
  if (dataValid) datasets_->request(c.data);
  if (augmentValid) pairs_->setAugmentation(c.augment);
}

void MainWindow::connectController() {
  connect(controller_, &SessionController::metricsArrived, this, [this](const QVector<StepMetrics>& metrics) {
    if (Run* run = liveRun()) runs_->appendMetrics(run, metrics);
    status_->showStep(metrics.back(), controller_->stopAtStep());
  });
  connect(controller_, &SessionController::stateChanged, this, &MainWindow::onStateChanged);
  connect(controller_, &SessionController::failed, this, [this](const QString& message) {
    banner_->show(MessageBanner::Level::Error, tr("Training failed:"), message);
  });
  connect(controller_, &SessionController::warning, this,
          [this](const QString& message) { banner_->show(MessageBanner::Level::Warning, tr("Warning:"), message); });
  connect(controller_, &SessionController::saved, this,
          [this](const QString& path) { statusBar()->showMessage(tr("Saved %1").arg(path), kStatusMessageMs); });
}

void MainWindow::startTraining() { beginRun(false); }

void MainWindow::stepTraining() {
  if (controller_->isActive()) controller_->stepOnce();
  else beginRun(true);
}

void MainWindow::beginRun(bool paused) {
  if (controller_->isActive() || !panel_->isValid()) return;
  banner_->hide();
  const Config& config = panel_->config();
  Run run;
  run.name = runs_->nextName(config);
  run.config = config;
  run.status = QString::fromLatin1(to_string(SessionState::Loading));
  // Every run is recorded as moco-train records it, so nothing is lost when the window closes.
  run.folder = settings_.newRunFolder(run.name);
  liveRunId_ = runs_->add(std::move(run))->id;
  status_->clear();
  datasets_->request(config.data);  // the views' copy; the session shares it when already loaded
  controller_->start(config, datasets_->get(config.data), 0, paused, liveRun()->folder);
  eval_->runStarted(liveRunId_, config);
  if (paused) controller_->stepOnce();
}

void MainWindow::resetTraining() {
  controller_->reset();
  if (Run* run = liveRun()) runs_->remove(run);
  liveRunId_ = 0;
  for (const auto& run : runs_->runs()) runs_->setShown(run.get(), false);
  banner_->hide();
  status_->clear();
  updateActions();
}

void MainWindow::onConfigEdited(const QString& key) {
  if (key == "preset" || key.startsWith("data.") || key.startsWith("augment.")) followExperiment();
  if (!controller_->isActive() || !panel_->issueAt(key).isEmpty()) return;
  // A preset changes many fields at once: the running session takes its live ones.
  if (key != "preset" && !is_live_field(key.toStdString())) return;
  controller_->setLive(panel_->config());
  const QString what = key == "preset" ? tr("the preset's m, τ, lr and augmentation") : key;
  statusBar()->showMessage(tr("⚡ Live: %1 from the next step").arg(what), kStatusMessageMs);
}

void MainWindow::onStateChanged(SessionState state) {
  if (Run* run = liveRun()) runs_->setStatus(run, QString::fromLatin1(to_string(state)));
  status_->setState(state, controller_->deviceName());
  panel_->setTraining(controller_->isActive());
  updateActions();
}

void MainWindow::updateActions() {
  actions_->update(controller_->state(), controller_->isActive(), panel_->isValid() ? QString() : panel_->problems());
  files_->update();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  settings_.setWindowGeometry(saveGeometry());
  settings_.setWindowState(saveState());
  settings_.setLastExperiment(QString::fromStdString(to_json(panel_->config())));
  controller_->reset();  // stops after the current step (at most about a second) and joins
  event->accept();
}

}  // namespace moco
