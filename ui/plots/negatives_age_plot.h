// The age of the stored negatives over training: the queue's keys in steps, or, as soon as a
// memory-bank run is shown, every run's in epochs — the bank's entries are rewritten once an
// epoch, and the paper's argument (§3.2) is exactly that comparison: a queue's keys are a few steps
// old, a bank's up to an epoch. One unit for all runs keeps the overlaid curves comparable.
#pragma once

#include "metric_plot.h"

namespace moco {

class NegativesAgePlot : public MetricPlot {
  Q_OBJECT
 public:
  explicit NegativesAgePlot(QWidget* parent = nullptr);
  bool inEpochs() const { return epochs_; }

 protected:
  void runsChanged() override;
  double valueOf(const Run& run, size_t series, const StepMetrics& m) const override;

 private:
  bool epochs_ = false;
};

}  // namespace moco
