// The live plots in one grid, with the controls they share: EMA smoothing, log-y, and x by step or
// training time. Follows the RunList: shown runs are overlaid (one colour per run); new points of
// a run are appended in one batch per drain and each plot queues a single replot (replot_pacer.h:
// one plot per event-loop turn, none while the grid's tab is hidden).
#pragma once

#include <QElapsedTimer>
#include <QWidget>
#include <functional>
#include <vector>

#include "metric_plot.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;

namespace moco {

class ConsistencyPlot;
class EvalPlot;
class LossPlot;
class QueueAgeHistogram;
class RunList;

class PlotGrid : public QWidget {
  Q_OBJECT
 public:
  explicit PlotGrid(RunList* runs, QWidget* parent = nullptr);

  LossPlot* lossPlot() const { return loss_; }
  const std::vector<MetricPlot*>& plots() const { return plots_; }
  QueueAgeHistogram* ageHistogram() const { return ages_; }
  EvalPlot* accuracyPlot() const { return accuracy_; }
  EvalPlot* healthPlot() const { return health_; }
  ConsistencyPlot* consistencyPlot() const { return consistency_; }
  QPushButton* evaluateButton() const { return evaluate_; }
  // "Evaluating…" while an evaluation runs.
  void setEvaluating(bool busy);
  PlotOptions options() const { return options_; }
  int evalInterval() const;  // steps between evaluations, 0 = off
  // Where the exact slot ages of a run come from: asked for run `runId`, it returns false when it
  // cannot tell (not the live run), else calls `deliver(ages, step)` later. Without it, or when it
  // returns false, the histogram is rebuilt from the logged metrics.
  using SlotAgeSource =
      std::function<bool(int runId, std::function<void(const std::vector<int64_t>& ages, int64_t step)> deliver)>;
  void setSlotAgeSource(SlotAgeSource source) { slotAges_ = std::move(source); }
  void setOptions(const PlotOptions& options);

 signals:
  void evalIntervalChanged(int steps);  // 0 = off
  void evaluateRequested();

 private:
  void onShownChanged();
  void onMetricsAppended(Run* run, int first);
  void updateAges();
  void showEvent(QShowEvent* event) override;
  void readControls();
  void showEvaluations();

  RunList* runs_;
  PlotOptions options_;
  LossPlot* loss_;
  QueueAgeHistogram* ages_;
  EvalPlot* accuracy_;
  EvalPlot* health_;
  ConsistencyPlot* consistency_;
  QSpinBox* evalEvery_;
  QPushButton* evaluate_;
  std::vector<MetricPlot*> plots_;
  QSlider* smoothing_;
  QLabel* smoothingValue_;
  QCheckBox* logY_;
  QComboBox* xAxis_;
  QTimer* ageTimer_;
  SlotAgeSource slotAges_;
  bool agesPending_ = false;  // an exact-ages request is in flight since agesAsked_
  QElapsedTimer agesAsked_;
};

}  // namespace moco
