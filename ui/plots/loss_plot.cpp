#include "loss_plot.h"

#include "palette.h"
#include "run.h"

namespace moco {
namespace {
constexpr double kFullQueue = 1.0 - 1e-9;  // queue_fill is a fraction; rounding must not hide "full"
constexpr int kBandAlpha = 28;
}  // namespace

LossPlot::LossPlot(QWidget* parent)
    : MetricPlot(tr("InfoNCE loss"), tr("loss (nats)"),
                 {{tr("loss"), [](const StepMetrics& m) { return m.loss; }, palette::blue()},
                  {tr("chance ln(K+1)"), [](const StepMetrics& m) { return m.chance_loss; }, palette::grey(), Qt::DashLine,
                   false, true}},
                 true, parent) {
  addLayer("bands", layer("grid"), QCustomPlot::limAbove);
}

int LossPlot::warmUpEnd(const Run& run) {
  for (int i = 0; i < run.metrics.size(); ++i)
    if (run.metrics[i].queue_fill >= kFullQueue) return i;
  return -1;
}

void LossPlot::decorate() {
  for (auto* item : bands_) removeItem(item);
  bands_.clear();
  const bool several = runs().size() > 1;
  for (const Run* run : runs()) {
    if (run->metrics.isEmpty()) continue;
    const int end = warmUpEnd(*run);
    const double x0 = 0.0;  // the band starts with the run
    const double x1 = xOf(*run, end < 0 ? run->metrics.size() - 1 : end);
    const QColor colour = several ? run->colour : palette::orange();
    auto* band = new QCPItemRect(this);
    band->setLayer("bands");
    band->topLeft->setTypeX(QCPItemPosition::ptPlotCoords);
    band->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    band->bottomRight->setTypeX(QCPItemPosition::ptPlotCoords);
    band->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
    band->topLeft->setCoords(x0, 0.0);
    band->bottomRight->setCoords(x1, 1.0);
    band->setPen(Qt::NoPen);
    band->setBrush(palette::faded(colour, kBandAlpha));
    band->setSelectable(false);
    bands_ << band;
    if (run == runs().front()) {
      auto* label = new QCPItemText(this);
      label->setLayer("bands");
      label->position->setTypeX(QCPItemPosition::ptPlotCoords);
      label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
      label->position->setCoords(x1, 1.0);
      label->setPositionAlignment(Qt::AlignBottom | Qt::AlignLeft);
      label->setPadding(QMargins(4, 0, 0, 3));
      label->setText(end < 0 ? tr("◂ queue filling") : tr("◂ queue full at step %1").arg(run->metrics[end].step));
      label->setColor(palette::faded(colour.darker(140), 220));
      QFont f = font();
      f.setPointSizeF(7.5);
      label->setFont(f);
      label->setSelectable(false);
      bands_ << label;
    }
  }
}

}  // namespace moco
