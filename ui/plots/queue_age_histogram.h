// How old the keys in the queue are right now, as a histogram over the K slots. The engine reports
// the mean and max age and the fill per step; a FIFO queue written `batch` keys per step holds
// every age from 0 to the max equally often, so the bars are rebuilt from those three numbers.
// Slots still holding their random initial key get their own grey bar.
#pragma once

#include <qcustomplot.h>

namespace moco {

struct Run;

class QueueAgeHistogram : public QCustomPlot {
  Q_OBJECT
 public:
  explicit QueueAgeHistogram(QWidget* parent = nullptr);
  // Shows the queue of `run`'s newest step (null or no steps: empty).
  void showRun(const Run* run);
  // Slot counts per age bin of width `binWidth` steps (from 0), for a queue of `slotCount` slots,
  // `fill` of them written, the oldest `maxAge` steps old. Exposed for tests.
  static QVector<double> approximateCounts(int64_t slotCount, double fill, double maxAge, int bins, double* binWidth);

 protected:
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  QCPBars* written_;
  QCPBars* random_;
};

}  // namespace moco
