// How old the keys in the queue are right now, as a histogram over the K slots. For the live run the
// exact ages come from the engine (analysis.h queue_slot_ages, a few times a second); for other
// runs the bars are rebuilt from each step's logged mean/max age and fill (a FIFO queue written
// `batch` keys per step holds every age from 0 to the max equally often). Slots still holding their
// random initial key get their own grey bar.
#pragma once

#include <qcustomplot.h>

#include <vector>

namespace moco {

struct Run;

class QueueAgeHistogram : public QCustomPlot {
  Q_OBJECT
 public:
  explicit QueueAgeHistogram(QWidget* parent = nullptr);
  // Shows the queue of `run`'s newest step from its metrics (null or no steps: empty).
  void showRun(const Run* run);
  // Shows the exact ages of `run`'s K slots at `step` (-1: never written); for a memory-bank run
  // its entries' ages, in epochs.
  void showAges(const std::vector<int64_t>& ages, int64_t step, const Run& run);
  // Whether the ages are shown in epochs (a memory bank's entries) rather than steps: for tests.
  bool inEpochs() const { return stepsPerUnit_ > 1.0; }
  // Whether the bars show the engine's exact ages (else the metrics' reconstruction), and how many
  // slots they add up to (K): for tests.
  bool isExact() const { return exact_; }
  double slotTotal() const;
  // Slot counts per age bin of width `binWidth` (from 0) and the never-written slots. For tests.
  static QVector<double> exactCounts(const std::vector<int64_t>& ages, int bins, double* binWidth, int64_t* neverWritten);
  // Slot counts per age bin of width `binWidth` steps (from 0), for a queue of `slotCount` slots,
  // `fill` of them written, the oldest `maxAge` steps old. Exposed for tests.
  static QVector<double> approximateCounts(int64_t slotCount, double fill, double maxAge, int bins, double* binWidth);

 protected:
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  // Picks the unit and title for `run`: epochs for a memory bank (when its epoch length is known).
  void setUnitFor(const Run* run);
  void draw(const QVector<double>& counts, double binWidth, double randomSlots, int64_t slotCount, int64_t step,
            const QString& source);
  QCPBars* written_;
  QCPBars* random_;
  bool exact_ = false;
  double stepsPerUnit_ = 1;  // 1: ages in steps; steps per epoch: in epochs
};

}  // namespace moco
