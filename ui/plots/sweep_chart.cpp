#include "sweep_chart.h"

#include <algorithm>
#include <cmath>

#include "palette.h"
#include "plot_style.h"
#include "replot_pacer.h"

namespace moco {
namespace {
constexpr int kWrapAt = 16;          // characters per tick-label line: six settings fit a 700 px chart
constexpr double kBarWidth = 0.6;    // of one slot: gaps keep neighbouring settings apart
constexpr double kHeadroom = 1.18;   // above the tallest bar, error bar or floor: room for value labels
constexpr double kMinTopPercent = 10;  // an untrained sweep's few percent still read as small

QFont smallFont(const QFont& base, double points) {
  QFont font = base;
  font.setPointSizeF(points);
  return font;
}
}  // namespace

SweepChart::SweepChart(QWidget* parent) : QCustomPlot(parent) {
  setObjectName("sweepChart");
  stylePlot(this, tr("Final kNN top-1 per setting (mean ± sd over seeds)"), {}, tr("kNN top-1 (%)"));
  bars_ = new QCPBars(xAxis, yAxis);
  bars_->setWidth(kBarWidth);
  bars_->setPen(QPen(palette::blue(), 1));
  bars_->setBrush(palette::faded(palette::blue(), 150));
  errors_ = new QCPErrorBars(xAxis, yAxis);
  errors_->setDataPlottable(bars_);
  errors_->setPen(QPen(palette::ink(), 1.2));
  errors_->setWhiskerWidth(10);
  errors_->removeFromLegend();
  xAxis->grid()->setVisible(false);
  xAxis->setTickLength(0, 3);
  xAxis->setSubTicks(false);
  empty_ = addEmptyNote(this, tr("no arm has finished its evaluation yet"));
  clear();
}

QString SweepChart::wrapSetting(const QString& setting) {
  QStringList lines;
  for (const QString& part : setting.split(',')) {
    const int eq = part.indexOf('=');
    if (part.size() > kWrapAt && eq > 0) lines << part.left(eq + 1) << part.mid(eq + 1);
    else lines << part;
  }
  return lines.join('\n');
}

void SweepChart::clear() {
  showSweep({}, {}, std::nullopt);
}

void SweepChart::showSweep(const QStringList& settings, const SweepSummary& summary, const std::optional<Floors>& floors) {
  for (auto* item : decorations_) removeItem(item);
  decorations_.clear();
  floorLabels_.clear();
  values_.clear();
  QVector<double> keys, heights, sds;
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  double top = kMinTopPercent;
  for (int i = 0; i < settings.size(); ++i) {
    const auto it = std::find_if(summary.settings.begin(), summary.settings.end(),
                                 [&](const SettingSummary& s) { return QString::fromStdString(s.setting) == settings[i]; });
    const double mean = it != summary.settings.end() ? 100.0 * it->final_knn.mean : NAN;
    const double sd = it != summary.settings.end() ? 100.0 * it->final_knn.sd : NAN;  // NaN below two seeds: no error bar
    ticker->addTick(i + 1, wrapSetting(settings[i]));
    values_ << mean;
    if (std::isnan(mean)) continue;
    keys << i + 1;
    heights << mean;
    sds << sd;
    top = std::max(top, mean + (std::isnan(sd) ? 0.0 : sd));
    auto* value = new QCPItemText(this);
    value->position->setCoords(i + 1, mean + (std::isnan(sd) ? 0.0 : sd));
    value->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
    value->setPadding(QMargins(0, 0, 0, 3));
    value->setText(std::isnan(sd) ? QString::number(mean, 'f', 1) : QStringLiteral("%1 ± %2").arg(mean, 0, 'f', 1).arg(sd, 0, 'f', 1));
    value->setFont(smallFont(font(), 7.5));
    value->setColor(palette::ink());
    decorations_ << value;
  }
  bars_->setData(keys, heights, true);
  errors_->setData(sds);
  xAxis->setTicker(ticker);
  xAxis->setRange(0.4, std::max<int>(1, int(settings.size())) + 0.6);
  if (floors) {
    addFloor(tr("random encoder"), 100.0 * floors->random_encoder_knn_top1, palette::tab10(5), Qt::DashLine);
    addFloor(tr("raw pixels"), 100.0 * floors->pixel_knn_top1, palette::grey(), Qt::DashLine);
    top = std::max({top, 100.0 * floors->random_encoder_knn_top1, 100.0 * floors->pixel_knn_top1});
  }
  yAxis->setRange(0, std::min(100.0, top * kHeadroom));
  empty_->setVisible(!settings.isEmpty() && keys.isEmpty());
  queueReplot(this);
}

void SweepChart::addFloor(const QString& label, double percent, const QColor& colour, Qt::PenStyle style) {
  auto* line = new QCPItemStraightLine(this);
  line->point1->setCoords(0, percent);
  line->point2->setCoords(1, percent);
  line->setPen(QPen(colour, 1.5, style));
  auto* text = new QCPItemText(this);
  text->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
  text->position->setTypeY(QCPItemPosition::ptPlotCoords);
  text->position->setCoords(0.99, percent);
  text->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
  floorLabels_ << tr("%1 kNN %2 %").arg(label).arg(percent, 0, 'f', 1);
  text->setText(floorLabels_.back());
  text->setColor(colour.darker(130));
  text->setFont(smallFont(font(), 7.5));
  // The label may fall on a bar: a paper-coloured plate keeps it readable there.
  text->setBrush(palette::faded(palette::paper(), 220));
  text->setPadding(QMargins(3, 1, 3, 1));
  decorations_ << line << text;
}

QVector<double> SweepChart::barValues() const { return values_; }

int SweepChart::errorBarCount() const {
  int n = 0;
  for (const auto& e : *errors_->data()) n += !std::isnan(e.errorPlus);
  return n;
}

QStringList SweepChart::floorLabels() const { return floorLabels_; }

QStringList SweepChart::tickLabels() const {
  auto ticker = xAxis->ticker().dynamicCast<QCPAxisTickerText>();
  return ticker ? QStringList(ticker->ticks().values()) : QStringList();
}

void SweepChart::contextMenuEvent(QContextMenuEvent* event) { showPlotMenu(this, event->globalPos(), tr("sweep")); }

}  // namespace moco
