// kNN top-1 accuracy of the shown runs over training (the reference demo's monitor: 200 cosine
// neighbours, weights exp(sim / 0.1)), with the floors a useful encoder must beat as dashed lines:
// kNN on raw pixels and on a randomly initialised encoder of the same architecture.
#pragma once

#include <qcustomplot.h>

#include <QList>

namespace moco {

struct Run;

class KnnPlot : public QCustomPlot {
  Q_OBJECT
 public:
  explicit KnnPlot(QWidget* parent = nullptr);
  void setRuns(const QList<const Run*>& runs);
  void setTimeAxis(bool time);
  // Widens the x axis as the runs train; replots only when the range grows noticeably.
  void followSteps();
  int pointCount() const;

 protected:
  void contextMenuEvent(QContextMenuEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;

 private:
  void rebuild();
  double xOf(const Run& run, int64_t step) const;
  double runsEnd() const;
  QList<const Run*> runs_;
  bool time_ = false;
  QCPItemText* empty_;
  QList<QCPAbstractItem*> labels_;  // floor names on their lines
};

}  // namespace moco
