// The workbench window. It only assembles: the experiment dock, the run dock, the plot grid and
// views, the toolbar and menus, and wires them to the SessionController; each part is its own class.
#pragma once

#include <QMainWindow>

#include "app_settings.h"
#include "api/config.h"
#include "api/training_session.h"

class QTabWidget;

namespace moco {

class AugmentPairsView;
class DatasetView;
class DatasetCache;
class ExperimentPanel;
class FileActions;
class EvalMonitor;
class NeighboursView;
class TsneView;
class MessageBanner;
class PlotGrid;
class RunDock;
class RunList;
class ScreenshotTour;
class SessionController;
class StatusPanel;
class SweepActions;
class SweepView;
class TrainingActions;
struct Run;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(Config config, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Its parts are found as a user or an accessibility tool finds them: actions and widgets by
  // objectName ("start", "openRun", "experimentDock", "runTree", "views", "training-curves",
  // "tsne", "messageBanner", "statusState" …), read through what they show.

  // A warning in the banner (e.g. an unreadable experiment at start-up).
  void showMessage(const QString& message);

 public slots:
  void startTraining();
  void stepTraining();
  void resetTraining();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  // The --screenshot tour scripts a whole session: it waits for the N-th step and pauses through
  // the session controller, which no widget shows; the widgets it finds by objectName.
  friend class ScreenshotTour;

 private:
  void buildMenus();
  void buildViews();
  void connectController();
  void connectAnalysis();
  void followExperiment();  // the dataset and the augmentation previews follow the panel
  void onConfigEdited(const QString& key);
  void onStateChanged(SessionState state);
  void updateActions();
  void beginRun(bool paused);
  // The run being trained (or last trained); null after Reset.
  Run* liveRun() const;

  AppSettings settings_;
  SessionController* controller_;
  RunList* runs_;
  DatasetCache* datasets_;
  EvalMonitor* eval_;
  ExperimentPanel* panel_;
  PlotGrid* plots_;
  QTabWidget* views_;
  DatasetView* datasetView_;
  AugmentPairsView* pairs_;
  TsneView* tsne_;
  NeighboursView* neighbours_;
  SweepView* sweepView_;
  MessageBanner* banner_;
  TrainingActions* actions_;
  StatusPanel* status_;
  FileActions* files_;
  SweepActions* sweeps_;
  RunDock* runDock_;
  int liveRunId_ = 0;
};

}  // namespace moco
