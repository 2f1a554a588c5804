#include "metric_plot.h"

#include <QToolTip>
#include <cmath>
#include <limits>
#include <utility>

#include "palette.h"
#include "plot_style.h"
#include "replot_pacer.h"
#include "run.h"

namespace moco {
namespace {
constexpr int kRawAlpha = 55;         // the raw line stays visible but behind its smoothed one
constexpr double kHoverRadiusPx = 24;  // how close the mouse must be for a read-out
constexpr double kYMargin = 0.06;     // air above and below the data, as a fraction of the range

QString formatValue(double v) {
  if (v == 0.0 || (std::abs(v) >= 1e-3 && std::abs(v) < 1e5)) return QString::number(v, 'g', 4);
  return QString::number(v, 'e', 2);
}
}  // namespace

MetricPlot::MetricPlot(const QString& title, const QString& yLabel, std::vector<Series> series, bool logYAllowed,
                       QWidget* parent)
    : QCustomPlot(parent), title_(title), series_(std::move(series)), logYAllowed_(logYAllowed) {
  stylePlot(this, title, tr("step"), yLabel);
  legend->setVisible(series_.size() > 1);
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  setMouseTracking(true);
  // Fitting the axes reads every point: done once per replot, and not at all while the plot waits
  // on a hidden tab.
  connect(this, &QCustomPlot::beforeReplot, this, [this] {
    if (std::exchange(rescalePending_, false)) rescale();
  });
}

double MetricPlot::xOf(const Run& run, int index) const {
  return options_.x == XAxisMode::Time ? run.elapsed[index] : double(run.metrics[index].step);
}

void MetricPlot::setRuns(const QList<const Run*>& runs) {
  runs_ = runs;
  rebuild();
}

void MetricPlot::setOptions(const PlotOptions& options) {
  options_ = options;
  const bool log = options_.logY && logYAllowed_;
  yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (log) yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  else yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  xAxis->setLabel(options_.x == XAxisMode::Time ? tr("training time (s)") : tr("step"));
  rebuild();
}

double MetricPlot::valueOf(const Run&, size_t series, const StepMetrics& m) const { return series_[series].value(m); }

void MetricPlot::rebuild() {
  runsChanged();
  clearGraphs();
  graphs_.clear();
  const bool several = runs_.size() > 1;
  for (const Run* run : runs_) {
    RunGraphs rg;
    rg.run = run;
    for (const auto& s : series_) {
      const QColor colour = several && !s.fixedColour ? run->colour : s.colour;
      const Qt::PenStyle style = several ? s.style : (s.smoothed ? Qt::SolidLine : s.style);
      SeriesGraphs sg;
      sg.raw = addGraph();
      sg.raw->setPen(QPen(palette::faded(colour, kRawAlpha), 1.0));
      sg.raw->setAntialiased(false);  // the noisy raw line is most of the drawing cost; faded, it needs no smoothing
      sg.raw->removeFromLegend();
      sg.smooth = addGraph();
      sg.smooth->setPen(QPen(colour, s.smoothed ? 1.8 : 1.2, style));
      QString name = s.name;
      if (several) name = series_.size() > 1 ? run->name + " · " + s.name : run->name;
      sg.smooth->setName(name);
      if (several && !s.smoothed && run != runs_.front()) sg.smooth->removeFromLegend();
      rg.series.push_back(sg);
    }
    graphs_.push_back(rg);
  }
  legend->setVisible(!runs_.isEmpty() && (several || series_.size() > 1));  // no empty legend box
  for (auto& rg : graphs_) addPoints(rg, 0);
  decorate();
}

void MetricPlot::appendPoints(const Run& run, int first) {
  for (auto& rg : graphs_)
    if (rg.run == &run) addPoints(rg, first);
  decorate();
}

void MetricPlot::addPoints(RunGraphs& rg, int first) {
  const Run& run = *rg.run;
  const bool log = options_.logY && logYAllowed_;
  const double a = options_.smoothing;
  for (size_t s = 0; s < series_.size(); ++s) {
    auto& sg = rg.series[s];
    const bool smooth = series_[s].smoothed && a > 0.0;
    sg.raw->setVisible(smooth);
    QVector<double> xs, raw, smoothed;
    xs.reserve(run.metrics.size() - first);
    for (int i = first; i < run.metrics.size(); ++i) {
      const double v = valueOf(run, s, run.metrics[i]);
      if (!std::isfinite(v) || (log && v <= 0.0)) continue;
      sg.ema = a * sg.ema + (1.0 - a) * v;
      sg.emaWeight = a * sg.emaWeight + (1.0 - a);
      xs.push_back(xOf(run, i));
      raw.push_back(v);
      smoothed.push_back(smooth ? sg.ema / sg.emaWeight : v);
    }
    sg.raw->addData(xs, raw, true);
    sg.smooth->addData(xs, smoothed, true);
  }
}

void MetricPlot::refresh() {
  rescalePending_ = true;
  queueReplot(this);
}

void MetricPlot::rescale() {
  bool found = false;
  QCPRange xRange, yRange;
  for (int i = 0; i < graphCount(); ++i) {
    bool ok = false;
    const QCPRange xr = graph(i)->getKeyRange(ok);
    if (!ok) continue;
    const QCPRange yr = graph(i)->getValueRange(ok, QCP::sdBoth);
    if (!ok) continue;
    xRange = found ? QCPRange(std::min(xRange.lower, xr.lower), std::max(xRange.upper, xr.upper)) : xr;
    yRange = found ? QCPRange(std::min(yRange.lower, yr.lower), std::max(yRange.upper, yr.upper)) : yr;
    found = true;
  }
  if (found) {
    if (xRange.size() <= 0) xRange = QCPRange(xRange.lower - 1, xRange.upper + 1);
    xAxis->setRange(xRange);
    if (yAxis->scaleType() == QCPAxis::stLogarithmic) {
      yAxis->setRange(yRange.lower / 1.15, yRange.upper * 1.15);
    } else {
      const double pad = yRange.size() > 0 ? yRange.size() * kYMargin : std::max(std::abs(yRange.upper) * 0.1, 1e-3);
      yAxis->setRange(yRange.lower - pad, yRange.upper + pad);
    }
  }
}

int MetricPlot::pointCount() const {
  int n = 0;
  for (const auto& rg : graphs_)
    for (const auto& sg : rg.series) n += sg.raw->dataCount();
  return n;
}

const MetricPlot::RunGraphs* MetricPlot::graphsOf(const Run* run) const {
  for (const auto& rg : graphs_)
    if (rg.run == run) return &rg;
  return nullptr;
}

void MetricPlot::mouseMoveEvent(QMouseEvent* event) {
  QCustomPlot::mouseMoveEvent(event);
  const QPointF pos = event->position();
  double best = kHoverRadiusPx;
  QString text;
  for (const auto& rg : graphs_) {
    for (size_t s = 0; s < rg.series.size(); ++s) {
      const auto* g = rg.series[s].smooth;
      if (g->dataCount() == 0) continue;
      const double key = xAxis->pixelToCoord(pos.x());
      auto it = g->data()->findBegin(key, true);
      for (int k = 0; k < 2 && it != g->data()->constEnd(); ++k, ++it) {
        const double dx = xAxis->coordToPixel(it->key) - pos.x();
        const double dy = yAxis->coordToPixel(it->value) - pos.y();
        const double d = std::hypot(dx, dy);
        if (d >= best) continue;
        best = d;
        const int index = int(it - g->data()->constBegin());
        const double rawValue = rg.series[s].raw->data()->at(index)->value;
        text = QStringLiteral("<b>%1</b><br>%2: %3").arg(rg.run->name.toHtmlEscaped(), series_[s].name, formatValue(it->value));
        if (rg.series[s].raw->visible()) text += tr(" (raw %1)").arg(formatValue(rawValue));
        text += options_.x == XAxisMode::Time ? tr("<br>t = %1 s").arg(it->key, 0, 'f', 1) : tr("<br>step %1").arg(it->key);
      }
    }
  }
  if (text.isEmpty()) QToolTip::hideText();
  else QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void MetricPlot::leaveEvent(QEvent* event) {
  QToolTip::hideText();
  QCustomPlot::leaveEvent(event);
}

void MetricPlot::contextMenuEvent(QContextMenuEvent* event) { showPlotMenu(this, event->globalPos(), title_); }

}  // namespace moco
