#include "knn_plot.h"

#include <QToolTip>
#include <algorithm>

#include "palette.h"
#include "plot_style.h"
#include "run.h"

namespace moco {

KnnPlot::KnnPlot(QWidget* parent) : QCustomPlot(parent) {
  stylePlot(this, tr("kNN accuracy"), tr("step"), tr("top-1 (%)"));
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
  empty_ = new QCPItemText(this);
  empty_->position->setType(QCPItemPosition::ptAxisRectRatio);
  empty_->position->setCoords(0.5, 0.5);
  empty_->setColor(QColor(120, 120, 120));
  empty_->setText(tr("no evaluation yet\nset \"kNN every\" or press \"Evaluate\""));
  setMouseTracking(true);
  rebuild();
}

void KnnPlot::setRuns(const QList<const Run*>& runs) {
  runs_ = runs;
  rebuild();
}

void KnnPlot::setTimeAxis(bool time) {
  time_ = time;
  xAxis->setLabel(time ? tr("training time (s)") : tr("step"));
  rebuild();
}

double KnnPlot::xOf(const Run& run, int64_t step) const {
  if (!time_) return double(step);
  // The training time at that step: the metrics are in step order.
  auto it = std::lower_bound(run.metrics.begin(), run.metrics.end(), step,
                             [](const StepMetrics& m, int64_t s) { return m.step < s; });
  if (it == run.metrics.end()) return run.elapsed.isEmpty() ? 0.0 : run.elapsed.back();
  return run.elapsed[int(it - run.metrics.begin())];
}

double KnnPlot::runsEnd() const {
  double end = 1;
  for (const Run* run : runs_)
    if (!run->metrics.isEmpty()) end = std::max(end, time_ ? run->elapsed.back() : double(run->metrics.back().step));
  return end;
}

void KnnPlot::followSteps() {
  const double end = runsEnd();
  const double upper = xAxis->range().upper;
  if (end <= upper && end >= upper * 0.5) return;
  xAxis->setRange(0, end * 1.25);  // headroom: the next replots wait until the runs reach it
  replot(QCustomPlot::rpQueuedReplot);
}

int KnnPlot::pointCount() const {
  int n = 0;
  for (const Run* run : runs_) n += run->knn.size();
  return n;
}

void KnnPlot::rebuild() {
  clearGraphs();
  for (auto* label : labels_) removeItem(label);
  labels_.clear();
  const bool several = runs_.size() > 1;
  double xMax = 1, yMax = 10, yMin = 100;
  bool any = false;
  for (const Run* run : runs_) {
    const QColor colour = several ? run->colour : palette::blue();
    auto* g = addGraph();
    g->setName(several ? run->name : tr("MoCo encoder"));
    g->setPen(QPen(colour, 1.8));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, 6));
    for (const auto& r : run->knn) {
      g->addData(xOf(*run, r.step), 100.0 * r.top1);
      yMax = std::max(yMax, 100.0 * r.top1);
      yMin = std::min(yMin, 100.0 * r.top1);
      xMax = std::max(xMax, xOf(*run, r.step));
      any = true;
    }
    if (!run->hasFloors) continue;
    const struct {
      QString name;
      double value;
      QColor colour;
      Qt::PenStyle style;
    } floors[] = {{tr("random encoder"), run->floors.random_encoder_knn_top1, palette::tab10(5), Qt::DashLine},
                              {tr("raw pixels"), run->floors.pixel_knn_top1, palette::grey(), Qt::DotLine}};
    for (const auto& f : floors) {
      auto* line = addGraph();
      line->setName(several ? run->name + " · " + f.name : f.name);
      line->setPen(QPen(several ? run->colour : f.colour, 1.5, f.style));
      if (!several) {  // say on the line what it is: the legend sits far from it
        auto* label = new QCPItemText(this);
        label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
        label->position->setTypeY(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(0.02, 100.0 * f.value);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->setText(tr("%1 %2 %").arg(f.name).arg(100.0 * f.value, 0, 'f', 1));
        label->setColor(f.colour.darker(130));
        QFont font = this->font();
        font.setPointSizeF(7.5);
        label->setFont(font);
        labels_ << label;
      }
      line->addData(0, 100.0 * f.value);
      line->addData(1e12, 100.0 * f.value);  // clipped by the axis: a horizontal line
      yMax = std::max(yMax, 100.0 * f.value);
      yMin = std::min(yMin, 100.0 * f.value);
      any = true;
    }
  }
  empty_->setVisible(!any);
  legend->setVisible(graphCount() > 0 && any);
  xAxis->setRange(0, std::max(xMax, runsEnd()) * 1.02);
  yAxis->setRange(any ? std::max(0.0, yMin - 5.0) : 0.0, std::min(100.0, yMax + 5.0));
  replot(QCustomPlot::rpQueuedReplot);
}

void KnnPlot::mouseMoveEvent(QMouseEvent* event) {
  QCustomPlot::mouseMoveEvent(event);
  double best = 24;
  QString text;
  for (int i = 0; i < graphCount(); ++i) {
    for (auto it = graph(i)->data()->constBegin(); it != graph(i)->data()->constEnd(); ++it) {
      const double x = std::clamp(xAxis->coordToPixel(it->key), -1e6, 1e6);
      const double d = std::hypot(x - event->position().x(), yAxis->coordToPixel(it->value) - event->position().y());
      const bool isFloor = graph(i)->dataCount() == 2 && it->key == 0;
      if (d < best || (isFloor && std::abs(yAxis->coordToPixel(it->value) - event->position().y()) < 4)) {
        best = d;
        text = QStringLiteral("<b>%1</b><br>%2 %").arg(graph(i)->name().toHtmlEscaped()).arg(it->value, 0, 'f', 1);
        if (!isFloor) text += tr("<br>%1 %2").arg(time_ ? tr("t =") : tr("step")).arg(it->key);
      }
    }
  }
  if (text.isEmpty()) QToolTip::hideText();
  else QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void KnnPlot::contextMenuEvent(QContextMenuEvent* event) { showPlotMenu(this, event->globalPos(), tr("kNN accuracy")); }

}  // namespace moco
