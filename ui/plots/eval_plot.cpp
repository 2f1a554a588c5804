#include "eval_plot.h"

#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "palette.h"
#include "plot_style.h"
#include "replot_pacer.h"
#include "run.h"

namespace moco {
namespace {

bool measured(double v) { return std::isfinite(v); }

// Axis range around [lo, hi] with a margin, for values that may all be equal.
QCPRange padded(double lo, double hi) {
  const double margin = std::max(0.05 * (hi - lo), 1e-3 * std::max(1.0, std::abs(hi)));
  return {lo - margin, hi + margin};
}

}  // namespace

EvalPlot::EvalPlot(const QString& title, const QString& yLabel, const QString& y2Label, std::vector<EvalSeries> series,
                   bool percent, bool floors, QWidget* parent)
    : QCustomPlot(parent), title_(title), series_(std::move(series)), percent_(percent), floors_(floors) {
  stylePlot(this, title, tr("step"), yLabel);
  if (!y2Label.isEmpty()) {
    yAxis2->setVisible(true);
    yAxis2->setLabel(y2Label);
    axisRect()->setAutoMargins(QCP::msLeft | QCP::msBottom | QCP::msRight);
  }
  // The legend sits at the top, over headroom kept free of data (see rebuild).
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignHCenter);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setWrap(4);
  empty_ = addEmptyNote(this, tr("no evaluation yet\npress Evaluate above"));
  setMouseTracking(true);
  rebuild();
}

EvalPlot* EvalPlot::accuracy(QWidget* parent) {
  return new EvalPlot(tr("kNN / linear-probe accuracy"), tr("top-1 (%)"), {},
                      {{tr("kNN"), [](const EvalReport& r) { return r.knn.top1; }, palette::blue()},
                       {tr("linear probe"), [](const EvalReport& r) { return r.probe.top1 >= 0 ? r.probe.top1 : NAN; },
                        palette::green(), Qt::DashDotLine, QCPScatterStyle::ssSquare}},
                      true, true, parent);
}

EvalPlot* EvalPlot::health(QWidget* parent) {
  return new EvalPlot(tr("Alignment / uniformity"), tr("alignment (lower = closer pairs)"),
                      tr("uniformity (lower = more spread)"),
                      {{tr("alignment"), [](const EvalReport& r) { return r.health.alignment; }, palette::orange()},
                       {tr("uniformity"), [](const EvalReport& r) { return r.health.uniformity; }, palette::purple(),
                        Qt::DashLine, QCPScatterStyle::ssDiamond, true}},
                      false, false, parent);
}

void EvalPlot::setRuns(const QList<const Run*>& runs) {
  runs_ = runs;
  rebuild();
}

void EvalPlot::setTimeAxis(bool time) {
  time_ = time;
  xAxis->setLabel(time ? tr("training time (s)") : tr("step"));
  rebuild();
}

double EvalPlot::xOf(const Run& run, int64_t step) const {
  if (!time_) return double(step);
  // The training time at that step: the metrics are in step order.
  auto it = std::lower_bound(run.metrics.begin(), run.metrics.end(), step,
                             [](const StepMetrics& m, int64_t s) { return m.step < s; });
  if (it == run.metrics.end()) return run.elapsed.isEmpty() ? 0.0 : run.elapsed.back();
  return run.elapsed[int(it - run.metrics.begin())];
}

double EvalPlot::runsEnd() const {
  double end = 1;
  for (const Run* run : runs_)
    if (!run->metrics.isEmpty()) end = std::max(end, time_ ? run->elapsed.back() : double(run->metrics.back().step));
  return end;
}

void EvalPlot::followSteps() {
  const double end = runsEnd();
  const double upper = xAxis->range().upper;
  if (end <= upper && end >= upper * 0.5) return;
  xAxis->setRange(0, end * 1.25);  // headroom: the next replots wait until the runs reach it
  queueReplot(this);
}

int EvalPlot::pointCount() const { return points_; }

void EvalPlot::rebuild() {
  clearGraphs();
  for (auto* label : labels_) removeItem(label);
  labels_.clear();
  points_ = 0;
  const bool several = runs_.size() > 1;
  const double scale = percent_ ? 100.0 : 1.0;
  double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};  // per y axis
  for (const Run* run : runs_) {
    for (const auto& s : series_) {
      const QColor colour = several ? run->colour : s.colour;
      auto* g = addGraph(xAxis, s.rightAxis ? yAxis2 : yAxis);
      g->setName(several ? run->name + " · " + s.name : s.name);
      g->setPen(QPen(colour, 1.8, s.style));
      g->setScatterStyle(QCPScatterStyle(s.shape, colour, palette::paper(), 6));
      for (const auto& r : run->evals) {
        const double v = s.value(r);
        if (!measured(v)) continue;
        g->addData(xOf(*run, r.step), scale * v);
        lo[s.rightAxis] = std::min(lo[s.rightAxis], scale * v);
        hi[s.rightAxis] = std::max(hi[s.rightAxis], scale * v);
        ++points_;
      }
      if (g->dataCount() == 0) removeGraph(g);  // e.g. no probe in an opened run: no legend entry
    }
    if (floors_ && run->hasFloors) addFloors(*run, several, lo[0], hi[0]);
  }
  const bool any = points_ > 0 || (floors_ && lo[0] <= hi[0]);
  empty_->setVisible(!any);
  legend->setVisible(any && graphCount() > 0);
  xAxis->setRange(0, runsEnd() * 1.02);
  // A quarter of the height above the data stays free for the legend.
  const auto withHeadroom = [](QCPRange r) { return QCPRange(r.lower, r.upper + 0.35 * r.size()); };
  if (percent_) {
    yAxis->setRange(any ? withHeadroom(QCPRange(std::max(0.0, lo[0] - 5.0), hi[0] + 5.0)) : QCPRange(0, 100));
  } else {
    for (int a = 0; a < 2; ++a) {
      QCPAxis* axis = a ? yAxis2 : yAxis;
      axis->setRange(lo[a] <= hi[a] ? withHeadroom(padded(lo[a], hi[a])) : QCPRange(0, 1));
    }
  }
  queueReplot(this);
}

void EvalPlot::addFloors(const Run& run, bool several, double& yMin, double& yMax) {
  const struct {
    QString name;
    double value;
    QColor colour;
    Qt::PenStyle style;
  } floors[] = {{tr("random encoder"), run.floors.random_encoder_knn_top1, palette::tab10(5), Qt::DashLine},
                {tr("raw pixels"), run.floors.pixel_knn_top1, palette::grey(), Qt::DotLine}};
  for (const auto& f : floors) {
    auto* line = addGraph();
    line->setName(several ? run.name + " · " + f.name : f.name);
    line->setPen(QPen(several ? run.colour : f.colour, 1.5, f.style));
    if (!several) {  // say on the line what it is: the legend sits far from it
      auto* label = new QCPItemText(this);
      label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
      label->position->setTypeY(QCPItemPosition::ptPlotCoords);
      label->position->setCoords(0.02, 100.0 * f.value);
      label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
      label->setText(tr("%1 kNN %2 %").arg(f.name).arg(100.0 * f.value, 0, 'f', 1));
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
  }
}

void EvalPlot::mouseMoveEvent(QMouseEvent* event) {
  QCustomPlot::mouseMoveEvent(event);
  double best = 24;
  QString text;
  for (int i = 0; i < graphCount(); ++i) {
    QCPGraph* g = graph(i);
    QCPAxis* y = g->valueAxis();
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
      const double x = std::clamp(xAxis->coordToPixel(it->key), -1e6, 1e6);
      const double d = std::hypot(x - event->position().x(), y->coordToPixel(it->value) - event->position().y());
      const bool isFloor = g->dataCount() == 2 && (g->data()->constEnd() - 1)->key >= 1e12;
      if (d < best || (isFloor && std::abs(y->coordToPixel(it->value) - event->position().y()) < 4)) {
        best = d;
        text = QStringLiteral("<b>%1</b><br>%2%3")
                   .arg(g->name().toHtmlEscaped())
                   .arg(it->value, 0, 'f', percent_ ? 1 : 3)
                   .arg(percent_ ? " %" : "");
        if (!isFloor) text += tr("<br>%1 %2").arg(time_ ? tr("t =") : tr("step")).arg(it->key);
      }
    }
  }
  if (text.isEmpty()) QToolTip::hideText();
  else QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void EvalPlot::contextMenuEvent(QContextMenuEvent* event) { showPlotMenu(this, event->globalPos(), title_); }

}  // namespace moco
