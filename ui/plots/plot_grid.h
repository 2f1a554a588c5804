// The live plots in one grid, with the controls they share: EMA smoothing, log-y, and x by step or
// training time. Follows the RunList: shown runs are overlaid (one colour per run); new points of
// a run are appended in one batch per drain and each plot queues a single replot.
#pragma once

#include <QWidget>
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

class KnnPlot;
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
  KnnPlot* knnPlot() const { return knn_; }
  QPushButton* evaluateButton() const { return evaluate_; }
  // "Evaluating…" while a kNN evaluation runs.
  void setEvaluating(bool busy);
  PlotOptions options() const { return options_; }
  void setOptions(const PlotOptions& options);

 signals:
  void knnIntervalChanged(int steps);  // 0 = off
  void evaluateRequested();

 private:
  void onShownChanged();
  void onMetricsAppended(Run* run, int first);
  void updateAges();
  void showEvent(QShowEvent* event) override;
  void readControls();

  RunList* runs_;
  PlotOptions options_;
  LossPlot* loss_;
  QueueAgeHistogram* ages_;
  KnnPlot* knn_;
  QSpinBox* knnEvery_;
  QPushButton* evaluate_;
  std::vector<MetricPlot*> plots_;
  QSlider* smoothing_;
  QLabel* smoothingValue_;
  QCheckBox* logY_;
  QComboBox* xAxis_;
  QTimer* ageTimer_;
  bool stale_ = false;
};

}  // namespace moco
