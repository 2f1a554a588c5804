#include "status_panel.h"

#include <QLabel>
#include <QProgressBar>
#include <QStatusBar>

namespace moco {
namespace {
constexpr double kEtaSmoothing = 0.9;  // steps vary by tens of percent; the ETA should not jump

QString formatDuration(double seconds) {
  const auto s = qint64(seconds + 0.5);
  if (s >= 3600) return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
  if (s >= 60) return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
  return QStringLiteral("%1 s").arg(s);
}

QLabel* permanent(QStatusBar* bar, const QString& name, int minWidth) {
  auto* label = new QLabel;
  label->setObjectName(name);
  label->setMinimumWidth(minWidth);
  label->setContentsMargins(6, 0, 6, 0);
  bar->addPermanentWidget(label);
  return label;
}
}  // namespace

StatusPanel::StatusPanel(QStatusBar* bar) : QObject(bar) {
  job_ = permanent(bar, "statusJob", 0);
  jobProgress_ = new QProgressBar;
  jobProgress_->setMaximumWidth(120);
  jobProgress_->setMaximumHeight(16);
  jobProgress_->setTextVisible(false);
  jobProgress_->hide();
  bar->addPermanentWidget(jobProgress_);
  state_ = permanent(bar, "statusState", 70);
  step_ = permanent(bar, "statusStep", 150);
  speed_ = permanent(bar, "statusSpeed", 90);
  device_ = permanent(bar, "statusDevice", 80);
  eta_ = permanent(bar, "statusEta", 110);
  progress_ = new QProgressBar;
  progress_->setMaximumWidth(180);
  progress_->setMaximumHeight(16);
  progress_->setTextVisible(false);
  progress_->hide();
  bar->addPermanentWidget(progress_);
  clear();
}

void StatusPanel::clear() {
  secondsPerStep_ = 0;
  state_->setText(tr("idle"));
  step_->setText(tr("step –"));
  speed_->clear();
  eta_->clear();
  progress_->hide();
}

void StatusPanel::setState(SessionState state, const QString& device) {
  state_->setText(QString::fromLatin1(to_string(state)));
  if (!device.isEmpty()) device_->setText(tr("device: %1").arg(device));
  if (state == SessionState::Loading) {
    progress_->setRange(0, 0);  // busy: loading the dataset and building the model
    progress_->show();
  } else if (state != SessionState::Running && state != SessionState::Paused) {
    progress_->hide();
    eta_->clear();
  }
}

void StatusPanel::showStep(const StepMetrics& m, int64_t stopAt) {
  step_->setText(stopAt > 0 ? tr("step %1 / %2 · epoch %3").arg(m.step).arg(stopAt).arg(m.epoch + 1)
                            : tr("step %1 · epoch %2").arg(m.step).arg(m.epoch + 1));
  speed_->setText(tr("%1 img/s").arg(m.images_per_second, 0, 'f', 0));
  secondsPerStep_ = secondsPerStep_ > 0 ? kEtaSmoothing * secondsPerStep_ + (1 - kEtaSmoothing) * m.step_seconds : m.step_seconds;
  if (stopAt > 0) {
    eta_->setText(tr("ETA %1").arg(formatDuration(double(stopAt - m.step) * secondsPerStep_)));
    progress_->setRange(0, int(stopAt));
    progress_->setValue(int(m.step));
    progress_->show();
  }
}

void StatusPanel::showJob(const QString& what, int done, int total) {
  const bool finished = total > 0 && done >= total;
  job_->setText(finished ? QString() : what);
  job_->setVisible(!finished);
  jobProgress_->setVisible(!finished);
  jobProgress_->setRange(0, total);  // 0 = busy indicator
  jobProgress_->setValue(done);
}

}  // namespace moco
