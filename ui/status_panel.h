// The status bar's permanent read-outs: state, step/epoch, images per second, device, ETA, and a
// progress bar (busy while the dataset loads, then the run's progress).
#pragma once

#include <QObject>

#include "api/metrics.h"
#include "api/training_session.h"

class QLabel;
class QProgressBar;
class QStatusBar;

namespace moco {

class StatusPanel : public QObject {
  Q_OBJECT
 public:
  explicit StatusPanel(QStatusBar* bar);

  void setState(SessionState state, const QString& device);
  // `stopAt` 0 = not known yet.
  void showStep(const StepMetrics& m, int64_t stopAt);
  void clear();
  // A long job other than training (e.g. t-SNE): busy when `total` is 0; hidden when done >= total.
  void showJob(const QString& what, int done, int total);

  QLabel* stepLabel() const { return step_; }

 private:
  QLabel *job_, *state_, *step_, *speed_, *device_, *eta_;
  QProgressBar* progress_;     // the run's progress, or busy while the data loads
  QProgressBar* jobProgress_;  // a side job's (t-SNE, dataset preview)
  double secondsPerStep_ = 0;  // EMA, for the ETA
};

}  // namespace moco
