#include "main_window.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

#include "training_session.h"

namespace moco {
namespace {
constexpr int kRefreshMs = 40;  // plots refresh at 25 Hz at most, never once per training step
}

MainWindow::MainWindow(Config config, QWidget* parent)
    : QMainWindow(parent), config_(std::move(config)), lossPlot_(new QCustomPlot), refresh_(new QTimer(this)) {
  setWindowTitle(tr("MoCo Workbench"));
  auto* central = new QWidget;
  auto* layout = new QVBoxLayout(central);
  auto* buttons = new QHBoxLayout;
  startButton_ = new QPushButton(tr("Start"));
  pauseButton_ = new QPushButton(tr("Pause"));
  stopButton_ = new QPushButton(tr("Stop"));
  pauseButton_->setEnabled(false);
  stopButton_->setEnabled(false);
  buttons->addWidget(startButton_);
  buttons->addWidget(pauseButton_);
  buttons->addWidget(stopButton_);
  buttons->addStretch();
  layout->addLayout(buttons);
  layout->addWidget(lossPlot_, 1);
  setCentralWidget(central);
  status_ = new QLabel(tr("Ready: %1, preset %2").arg(QString::fromStdString(config_.data.dataset), QString::fromStdString(config_.preset)));
  statusBar()->addWidget(status_);

  lossPlot_->addGraph();
  lossPlot_->graph(0)->setName(tr("InfoNCE loss"));
  lossPlot_->graph(0)->setPen(QPen(QColor(31, 119, 180), 1.5));
  lossPlot_->addGraph();
  lossPlot_->graph(1)->setName(tr("chance ln(K+1)"));
  lossPlot_->graph(1)->setPen(QPen(Qt::gray, 1, Qt::DashLine));
  lossPlot_->xAxis->setLabel(tr("step"));
  lossPlot_->yAxis->setLabel(tr("loss"));
  lossPlot_->legend->setVisible(true);

  connect(startButton_, &QPushButton::clicked, this, &MainWindow::startTraining);
  connect(pauseButton_, &QPushButton::clicked, this, &MainWindow::togglePause);
  connect(stopButton_, &QPushButton::clicked, this, &MainWindow::stopTraining);
  connect(refresh_, &QTimer::timeout, this, &MainWindow::drainSession);
  resize(1000, 640);
}

MainWindow::~MainWindow() = default;  // ~TrainingSession stops and joins the worker

void MainWindow::startTraining() {
  session_ = std::make_unique<TrainingSession>(config_);
  lossPlot_->graph(0)->data()->clear();
  lossPlot_->graph(1)->data()->clear();
  session_->start();
  refresh_->start(kRefreshMs);
  startButton_->setEnabled(false);
  pauseButton_->setEnabled(true);
  stopButton_->setEnabled(true);
  status_->setText(tr("Loading %1 ...").arg(QString::fromStdString(config_.data.dataset)));
}

void MainWindow::togglePause() {
  if (!session_) return;
  if (session_->state() == SessionState::Paused || pauseButton_->text() == tr("Resume")) {
    session_->resume();
    pauseButton_->setText(tr("Pause"));
  } else {
    session_->pause();
    pauseButton_->setText(tr("Resume"));
  }
}

void MainWindow::stopTraining() {
  if (session_) session_->stop();
}

void MainWindow::drainSession() {
  if (!session_) return;
  const auto metrics = session_->take_metrics();
  for (const auto& m : metrics) {
    lossPlot_->graph(0)->addData(double(m.step), m.loss);
    lossPlot_->graph(1)->addData(double(m.step), m.chance_loss);
  }
  if (!metrics.empty()) {
    const auto& last = metrics.back();
    lossPlot_->rescaleAxes();
    lossPlot_->replot(QCustomPlot::rpQueuedReplot);
    status_->setText(tr("step %1/%2  epoch %3  loss %4  %5 img/s  %6")
                         .arg(last.step)
                         .arg(session_->stop_at_step())
                         .arg(last.epoch + 1)
                         .arg(last.loss, 0, 'f', 3)
                         .arg(last.images_per_second, 0, 'f', 0)
                         .arg(QString::fromStdString(session_->device_name())));
  }
  for (const auto& e : session_->take_events()) {
    if (e.kind == SessionEvent::Kind::Failed) QMessageBox::warning(this, tr("Training failed"), QString::fromStdString(e.message));
    if (e.kind == SessionEvent::Kind::Warning) statusBar()->showMessage(QString::fromStdString(e.message), 10000);
  }
  const auto state = session_->state();
  if (state == SessionState::Finished || state == SessionState::Stopped || state == SessionState::Failed) {
    refresh_->stop();
    startButton_->setEnabled(true);
    pauseButton_->setEnabled(false);
    pauseButton_->setText(tr("Pause"));
    stopButton_->setEnabled(false);
    statusBar()->showMessage(tr("Training %1").arg(to_string(state)));
  }
}

}  // namespace moco
