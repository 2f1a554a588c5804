// The InfoNCE loss with its chance level ln(K+1) (a model that knows nothing) as a dashed line,
// and the queue's warm-up (the steps before every slot holds a real key) as a shaded band: a loss
// that rises there and falls afterwards is normal: while the queue still holds random keys the task is easier than it will be.
#pragma once

#include "metric_plot.h"

namespace moco {

class LossPlot : public MetricPlot {
  Q_OBJECT
 public:
  explicit LossPlot(QWidget* parent = nullptr);
  // Index of the first step whose queue is full, or -1 while it is still filling.
  static int warmUpEnd(const Run& run);

 protected:
  void decorate() override;

 private:
  QList<QCPAbstractItem*> bands_;
};

}  // namespace moco
