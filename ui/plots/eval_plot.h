// Values of the periodic evaluations (EvalReport) over training for the shown runs, one colour per
// run: the accuracy plot (kNN top-1 and linear-probe top-1, with the floors a useful encoder must
// beat as dashed lines: kNN on raw pixels and on a randomly initialised encoder of the same
// architecture) and the health plot (alignment on the left axis, uniformity on the right; lower is
// better for both, Wang & Isola 2020). Hover reads a point out; right-click exports.
#pragma once

#include <qcustomplot.h>

#include <QList>
#include <functional>
#include <vector>

#include "api/analysis.h"

namespace moco {

struct Run;

struct EvalSeries {
  QString name;
  std::function<double(const EvalReport&)> value;  // NaN or a negative probe = not measured
  QColor colour;                                   // while a single run is shown
  Qt::PenStyle style = Qt::SolidLine;              // tells the series apart when runs share a colour
  QCPScatterStyle::ScatterShape shape = QCPScatterStyle::ssCircle;
  bool rightAxis = false;
};

class EvalPlot : public QCustomPlot {
  Q_OBJECT
 public:
  // `percent`: values are fractions drawn as 0–100 %; `floors`: draw the run's kNN floors.
  EvalPlot(const QString& title, const QString& yLabel, const QString& y2Label, std::vector<EvalSeries> series,
           bool percent, bool floors, QWidget* parent = nullptr);
  // kNN and linear-probe top-1 with the floors.
  static EvalPlot* accuracy(QWidget* parent = nullptr);
  // Alignment and uniformity of the head embeddings.
  static EvalPlot* health(QWidget* parent = nullptr);

  void setRuns(const QList<const Run*>& runs);
  void setTimeAxis(bool time);
  // Widens the x axis as the runs train; replots only when the range grows noticeably.
  void followSteps();
  // Evaluation points drawn (all runs and series): what tests count.
  int pointCount() const;
  const QString& title() const { return title_; }

 protected:
  void contextMenuEvent(QContextMenuEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;

 private:
  void rebuild();
  void addFloors(const Run& run, bool several, double& yMin, double& yMax);
  double xOf(const Run& run, int64_t step) const;
  double runsEnd() const;

  QString title_;
  std::vector<EvalSeries> series_;
  bool percent_, floors_;
  QList<const Run*> runs_;
  bool time_ = false;
  int points_ = 0;
  QCPItemText* empty_;
  QList<QCPAbstractItem*> labels_;  // floor names on their lines
};

}  // namespace moco
