#include "negatives_age_plot.h"

#include <limits>

#include "palette.h"
#include "run.h"

namespace moco {

NegativesAgePlot::NegativesAgePlot(QWidget* parent)
    : MetricPlot(tr("Queue age"), tr("age (steps)"),
                 {{tr("mean"), [](const StepMetrics& m) { return m.queue_age_mean; }, palette::purple()},
                  {tr("max"), [](const StepMetrics& m) { return m.queue_age_max; }, palette::tab10(9), Qt::DashLine}},
                 true, parent) {}

void NegativesAgePlot::runsChanged() {
  epochs_ = false;
  for (const Run* run : runs()) epochs_ = epochs_ || run->agesInEpochs();
  yAxis->setLabel(epochs_ ? tr("age of the negatives (epochs)") : tr("age (steps)"));
}

double NegativesAgePlot::valueOf(const Run& run, size_t series, const StepMetrics& m) const {
  const double steps = MetricPlot::valueOf(run, series, m);
  if (!epochs_) return steps;
  const int64_t perEpoch = m.steps_per_epoch > 0 ? m.steps_per_epoch : run.stepsPerEpoch();
  // A run whose epoch length is unknown cannot be put on the epoch scale: left out, not misdrawn.
  return perEpoch > 0 ? steps / double(perEpoch) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace moco
