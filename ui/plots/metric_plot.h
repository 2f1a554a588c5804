// A live line plot of one or more StepMetrics values for every shown run: each series is drawn
// EMA-smoothed over its faded raw line, on a step or training-time axis, optionally log-y, with a
// hover read-out of the nearest point and PNG/PDF export on right-click. Points are appended in
// batches; the owner calls refresh() once per batch (one queued replot, never one per step).
#pragma once

#include <qcustomplot.h>

#include <QList>
#include <QString>
#include <functional>
#include <vector>

#include "api/metrics.h"

namespace moco {

struct Run;

enum class XAxisMode { Step, Time };

struct PlotOptions {
  double smoothing = 0.6;  // EMA weight of the past, 0 = raw (TensorBoard's slider)
  bool logY = false;       // only where the plot allows it (positive values)
  XAxisMode x = XAxisMode::Step;
};

struct Series {
  QString name;
  std::function<double(const StepMetrics&)> value;
  QColor colour;                       // its colour while a single run is shown
  Qt::PenStyle style = Qt::SolidLine;  // tells series apart when several runs share a colour
  bool smoothed = true;                // reference lines (chance level) are drawn as they are
  bool fixedColour = false;            // keep `colour` even when several runs are shown
};

class MetricPlot : public QCustomPlot {
  Q_OBJECT
 public:
  MetricPlot(const QString& title, const QString& yLabel, std::vector<Series> series, bool logYAllowed,
             QWidget* parent = nullptr);

  // Redraws everything for `runs` (in the run list's order).
  void setRuns(const QList<const Run*>& runs);
  // Adds `run`'s points from index `first` on (it must be one of the shown runs).
  void appendPoints(const Run& run, int first);
  void setOptions(const PlotOptions& options);
  // Fits the axes to the data (no replot).
  void rescale();
  // Queues one replot (replot_pacer.h), fitting the axes to the data first.
  void refresh();
  // Raw points drawn over all runs and series: what tests count.
  int pointCount() const;
  const QString& title() const { return title_; }

 protected:
  // Called after points change; subclasses add items such as shaded bands.
  virtual void decorate() {}
  // Called when the shown runs change, before their points are added (e.g. to pick a unit).
  virtual void runsChanged() {}
  // The value of `series` at `m` of `run`: by default the series' own function of the step.
  virtual double valueOf(const Run& run, size_t series, const StepMetrics& m) const;
  double xOf(const Run& run, int index) const;
  const QList<const Run*>& runs() const { return runs_; }
  const PlotOptions& options() const { return options_; }

  void mouseMoveEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  struct SeriesGraphs {
    QCPGraph* raw = nullptr;
    QCPGraph* smooth = nullptr;
    double ema = 0, emaWeight = 0;  // running EMA state (debiased: ema / emaWeight)
  };
  struct RunGraphs {
    const Run* run = nullptr;
    std::vector<SeriesGraphs> series;
  };
  void rebuild();
  void addPoints(RunGraphs& graphs, int first);
  const RunGraphs* graphsOf(const Run* run) const;

  QString title_;
  std::vector<Series> series_;
  bool logYAllowed_;
  PlotOptions options_;
  QList<const Run*> runs_;
  std::vector<RunGraphs> graphs_;
  bool rescalePending_ = false;  // refresh() asked for the axes to be fitted at the next replot
};

}  // namespace moco
