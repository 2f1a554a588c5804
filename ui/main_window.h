// The workbench window: start a MoCo run on the default experiment and watch its loss live.
#pragma once

#include <QMainWindow>
#include <memory>

#include "config.h"

class QCustomPlot;
class QLabel;
class QPushButton;
class QTimer;

namespace moco {

class TrainingSession;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(Config config, QWidget* parent = nullptr);
  ~MainWindow() override;

 private slots:
  void startTraining();
  void togglePause();
  void stopTraining();
  void drainSession();  // timer-driven: moves buffered metrics into the plot

 private:
  Config config_;
  std::unique_ptr<TrainingSession> session_;
  QCustomPlot* lossPlot_;
  QPushButton *startButton_, *pauseButton_, *stopButton_;
  QLabel* status_;
  QTimer* refresh_;
};

}  // namespace moco
