// Queue consistency against key age: for keys written k steps ago, the cosine between the stored
// key and the same sample re-encoded now, with the same augmentation, by the current key encoder
// (analysis.h queue_consistency). The MoCo paper's argument made visible: with m = 0.999 old keys
// still agree with the current encoder (cosine near 1 at every age); with m = 0 they do not.
// One run: its latest evaluation solid, the earlier ones faded, so the curve's change shows.
// Several runs: each run's latest evaluation in its colour.
#pragma once

#include <qcustomplot.h>

#include <QList>

namespace moco {

struct EvalReport;
struct Run;

class ConsistencyPlot : public QCustomPlot {
  Q_OBJECT
 public:
  explicit ConsistencyPlot(QWidget* parent = nullptr);
  void setRuns(const QList<const Run*>& runs);
  int pointCount() const { return points_; }

 protected:
  void contextMenuEvent(QContextMenuEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;

 private:
  // `stepsPerUnit`: 1 for ages in steps, the run's steps per epoch for ages in epochs.
  void addCurve(const EvalReport& report, double stepsPerUnit, const QString& name, const QColor& colour, bool latest);
  QList<const Run*> runs_;
  int points_ = 0;
  bool epochs_ = false;  // ages in epochs: a memory-bank run is shown (its entries are rewritten once an epoch)
  double lowest_ = 1;
  QCPItemText* empty_;
};

}  // namespace moco
