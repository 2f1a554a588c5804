#include "queue_age_histogram.h"

#include <algorithm>
#include <cmath>

#include "palette.h"
#include "plot_style.h"
#include "replot_pacer.h"
#include "run.h"

namespace moco {
namespace {
constexpr int kMaxBins = 32;  // enough to read the shape, few enough to stay legible at 250 px
}

QueueAgeHistogram::QueueAgeHistogram(QWidget* parent) : QCustomPlot(parent) {
  stylePlot(this, tr("Queue slot ages (now)"), tr("age of the key (steps)"), tr("slots"));
  written_ = new QCPBars(xAxis, yAxis);
  written_->setName(tr("real keys"));
  written_->setPen(Qt::NoPen);
  written_->setBrush(palette::faded(palette::purple(), 190));
  random_ = new QCPBars(xAxis, yAxis);
  random_->setName(tr("random init (never written)"));
  random_->setPen(Qt::NoPen);
  random_->setBrush(palette::faded(palette::grey(), 160));
  legend->setVisible(true);
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  showRun(nullptr);
}

QVector<double> QueueAgeHistogram::approximateCounts(int64_t slotCount, double fill, double maxAge, int bins, double* binWidth) {
  const double ages = std::floor(maxAge) + 1.0;  // distinct ages 0 .. max
  *binWidth = std::max(1.0, std::ceil(ages / bins));
  const int used = int(std::ceil(ages / *binWidth));
  QVector<double> counts(used, 0.0);
  const double written = std::round(fill * double(slotCount));
  const double perAge = written / ages;
  for (int age = 0; age < int(ages); ++age) counts[int(age / *binWidth)] += perAge;
  return counts;
}

QVector<double> QueueAgeHistogram::exactCounts(const std::vector<int64_t>& ages, int bins, double* binWidth,
                                               int64_t* neverWritten) {
  int64_t oldest = 0;
  *neverWritten = 0;
  for (int64_t age : ages) {
    if (age < 0) ++*neverWritten;
    oldest = std::max(oldest, age);
  }
  *binWidth = std::max(1.0, std::ceil(double(oldest + 1) / bins));
  QVector<double> counts(int(std::ceil(double(oldest + 1) / *binWidth)), 0.0);
  for (int64_t age : ages)
    if (age >= 0) counts[int(double(age) / *binWidth)] += 1.0;
  return counts;
}

void QueueAgeHistogram::setUnitFor(const Run* run) {
  const bool bank = run && run->agesInEpochs();
  const int64_t perEpoch = bank ? run->stepsPerEpoch() : 0;
  stepsPerUnit_ = perEpoch > 1 ? double(perEpoch) : 1.0;
  if (auto* heading = qobject_cast<QCPTextElement*>(plotLayout()->element(0, 0)))
    heading->setText(bank ? tr("Memory bank entry ages (now)") : tr("Queue slot ages (now)"));
}

void QueueAgeHistogram::showAges(const std::vector<int64_t>& ages, int64_t step, const Run& run) {
  setUnitFor(&run);
  double width = 1;
  int64_t never = 0;
  const QVector<double> counts = exactCounts(ages, kMaxBins, &width, &never);
  draw(counts, width, double(never), int64_t(ages.size()), step, tr("exact"));
  exact_ = true;
}

double QueueAgeHistogram::slotTotal() const {
  double total = 0;
  for (QCPBars* bars : {written_, random_})
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) total += it->value;
  return total;
}

void QueueAgeHistogram::showRun(const Run* run) {
  exact_ = false;
  setUnitFor(run);
  if (!run || run->metrics.isEmpty()) {
    written_->data()->clear();
    random_->data()->clear();
    xAxis->setLabel(tr("key age (steps)"));
    legend->setVisible(false);
    xAxis->setRange(0, 10);
    yAxis->setRange(0, 1);
    queueReplot(this);
    return;
  }
  const StepMetrics& m = run->metrics.back();
  // A memory bank holds one entry per training image (about steps per epoch x batch); a queue K.
  const int64_t slotCount = run->agesInEpochs() && run->stepsPerEpoch() > 0
                                ? run->stepsPerEpoch() * run->config.optim.batch_size
                                : run->config.moco.queue_size;
  double width = 1;
  const QVector<double> counts = approximateCounts(slotCount, m.queue_fill, m.queue_age_max, kMaxBins, &width);
  draw(counts, width, double(slotCount) - std::round(m.queue_fill * double(slotCount)), slotCount, m.step,
       tr("from the logged mean/max"));
}

void QueueAgeHistogram::draw(const QVector<double>& counts, double width, double randomSlots, int64_t slotCount,
                             int64_t step, const QString& source) {
  written_->data()->clear();
  random_->data()->clear();
  legend->setVisible(true);
  QVector<double> keys(counts.size());
  // Bins are counted in whole steps; the axis shows steps or, for a memory bank, epochs.
  const double unit = stepsPerUnit_;
  for (int i = 0; i < counts.size(); ++i) keys[i] = ((i + 0.5) * width - 0.5) / unit;
  written_->setWidth(width * 0.9 / unit);
  written_->setData(keys, counts, true);
  const double randomX = (counts.size() * width + width) / unit;  // one bar to the right of the oldest key
  if (randomSlots > 0) {
    random_->setWidth(width * 0.9 / unit);
    random_->addData(randomX, randomSlots);
    random_->addToLegend();
  } else {
    random_->removeFromLegend();  // every slot holds a real key
  }
  if (unit > 1.0) xAxis->setLabel(tr("entry age at step %1 (epochs) · %2").arg(step).arg(source));
  else xAxis->setLabel(tr("key age at step %1 (steps) · %2").arg(step).arg(source));
  const double fill = slotCount > 0 ? 100.0 * (double(slotCount) - randomSlots) / double(slotCount) : 0.0;
  written_->setName(tr("real keys: %1 % of K = %2").arg(fill, 0, 'f', 0).arg(slotCount));
  if (unit > 1.0) {
    xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());  // fractions of an epoch
  } else {
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();  // ages are whole steps
    ticker->setTickStep(std::max(1.0, std::round((counts.size() * width) / 6.0)));
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    xAxis->setTicker(ticker);
  }
  double top = 0;
  for (double c : counts) top = std::max(top, c);
  top = std::max(top, randomSlots);
  xAxis->setRange((-0.5 * width - 0.5) / unit, randomSlots > 0 ? randomX + width / unit : counts.size() * width / unit);
  yAxis->setRange(0, std::max(1.0, top * 1.45));  // headroom for the legend
  queueReplot(this);
}

void QueueAgeHistogram::contextMenuEvent(QContextMenuEvent* event) { showPlotMenu(this, event->globalPos(), tr("queue ages")); }

}  // namespace moco
