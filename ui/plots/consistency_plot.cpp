#include "consistency_plot.h"

#include <QToolTip>
#include <algorithm>

#include "palette.h"
#include "plot_style.h"
#include "replot_pacer.h"
#include "run.h"

namespace moco {
namespace {
constexpr int kEarlierShown = 3;  // faded curves of the evaluations before the latest (one run)
}

ConsistencyPlot::ConsistencyPlot(QWidget* parent) : QCustomPlot(parent) {
  stylePlot(this, tr("Queue consistency vs key age"), tr("key age (steps)"), tr("cos(stored key, key now)"));
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
  empty_ = addEmptyNote(this, tr("no evaluation yet\npress Evaluate above"));
  setMouseTracking(true);
  setRuns({});
}

void ConsistencyPlot::addCurve(const EvalReport& report, double stepsPerUnit, const QString& name, const QColor& colour,
                               bool latest) {
  const auto points = mean_cosine_by_age(report.consistency);
  if (points.empty()) return;
  auto* g = addGraph();
  g->setName(name);
  g->setPen(QPen(colour, latest ? 1.8 : 1.2));
  g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, latest ? palette::paper() : colour, latest ? 6 : 4));
  for (const auto& [age, cosine] : points) {
    g->addData(double(age) / stepsPerUnit, cosine);
    lowest_ = std::min(lowest_, cosine);
    ++points_;
  }
}

void ConsistencyPlot::setRuns(const QList<const Run*>& runs) {
  runs_ = runs;
  clearGraphs();
  points_ = 0;
  lowest_ = 1;
  const bool several = runs_.size() > 1;
  // One unit for every curve: epochs as soon as a memory bank is shown, whose entries are up to an
  // epoch old (a run whose epoch length is unknown is left out rather than drawn in steps).
  epochs_ = false;
  for (const Run* run : runs_) epochs_ = epochs_ || run->agesInEpochs();
  xAxis->setLabel(epochs_ ? tr("age of the stored negative (epochs)") : tr("key age (steps)"));
  for (const Run* run : runs_) {
    if (run->evals.isEmpty()) continue;
    const double perUnit = epochs_ ? double(run->stepsPerEpoch()) : 1.0;
    if (perUnit <= 0) continue;
    if (several) {
      addCurve(run->evals.back(), perUnit, tr("%1 · step %2").arg(run->name).arg(run->evals.back().step), run->colour, true);
      continue;
    }
    const int n = run->evals.size();
    for (int i = std::max(0, n - 1 - kEarlierShown); i < n; ++i) {
      const bool latest = i == n - 1;
      const int alpha = latest ? 255 : 60 + 150 * (i - (n - 1 - kEarlierShown)) / (kEarlierShown + 1);
      addCurve(run->evals[i], perUnit, tr("step %1").arg(run->evals[i].step), palette::faded(palette::purple(), alpha), latest);
    }
  }
  empty_->setVisible(points_ == 0);
  legend->setVisible(points_ > 0);
  rescaleAxes();
  if (epochs_) xAxis->setRange(QCPRange(0, std::max(0.05, xAxis->range().upper * 1.05)));
  else xAxis->setRange(QCPRange(-0.5, std::max(1.0, xAxis->range().upper) + 0.5));
  // 1 is the top: a key re-encoded identically. Zoom in on the range the curves use.
  yAxis->setRange(std::min(0.98, lowest_ - 0.1 * (1.0 - lowest_) - 0.005), 1.002);
  queueReplot(this);
}

void ConsistencyPlot::mouseMoveEvent(QMouseEvent* event) {
  QCustomPlot::mouseMoveEvent(event);
  double best = 24;
  QString text;
  for (int i = 0; i < graphCount(); ++i)
    for (auto it = graph(i)->data()->constBegin(); it != graph(i)->data()->constEnd(); ++it) {
      const double d = std::hypot(xAxis->coordToPixel(it->key) - event->position().x(),
                                  yAxis->coordToPixel(it->value) - event->position().y());
      if (d < best) {
        best = d;
        text = tr("<b>%1</b><br>stored %2 %3 ago<br>cosine %4")
                   .arg(graph(i)->name().toHtmlEscaped())
                   .arg(it->key, 0, 'g', 3)
                   .arg(epochs_ ? tr("epochs") : tr("steps"))
                   .arg(it->value, 0, 'f', 4);
      }
    }
  if (text.isEmpty()) QToolTip::hideText();
  else QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void ConsistencyPlot::contextMenuEvent(QContextMenuEvent* event) {
  showPlotMenu(this, event->globalPos(), tr("Queue consistency vs key age"));
}

}  // namespace moco
