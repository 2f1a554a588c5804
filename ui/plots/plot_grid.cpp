#include "plot_grid.h"

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <utility>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include "consistency_plot.h"
#include "eval_plot.h"
#include "loss_plot.h"
#include "negatives_age_plot.h"
#include "palette.h"
#include "queue_age_histogram.h"
#include "run.h"
#include "style.h"

namespace moco {
namespace {
constexpr int kSmoothingTicks = 100;  // slider resolution of the EMA weight (0 .. 0.99)
constexpr int kColumns = 4;           // 4 x 3 cells fill a 1400 x 900 window beside the experiment dock
constexpr int kAgeRefreshMs = 250;    // the age histogram's redraw rate while training
constexpr int kAgeAnswerTimeoutMs = 2000;
// About 4 s of evaluation per 200 steps (70 s) of the default experiment: 5 % of the time, and
// the first accuracy points within a classroom demo's first minutes.
constexpr int kDefaultEvalEvery = 200;
}  // namespace

PlotGrid::PlotGrid(RunList* runs, QWidget* parent) : QWidget(parent), runs_(runs) {
  setObjectName("training-curves");
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(6, 6, 6, 6);
  column->setSpacing(6);

  auto* bar = new QHBoxLayout;
  smoothing_ = new QSlider(Qt::Horizontal);
  smoothing_->setObjectName("smoothing");
  smoothing_->setRange(0, kSmoothingTicks - 1);
  smoothing_->setMaximumWidth(180);
  smoothing_->setToolTip(tr("EMA smoothing of every curve (0 = raw). The raw values stay visible as a faded line."));
  smoothingValue_ = new QLabel;
  smoothingValue_->setMinimumWidth(32);
  logY_ = new QCheckBox(tr("log y"));
  logY_->setObjectName("logY");
  logY_->setToolTip(tr("Logarithmic y axis for the plots of positive values (loss, lr, queue age, drift)."));
  xAxis_ = new QComboBox;
  xAxis_->setObjectName("xAxis");
  xAxis_->addItem(tr("x: step"));
  xAxis_->addItem(tr("x: training time"));
  xAxis_->setToolTip(tr("Plot against the step count or the seconds spent training (pauses excluded)."));
  bar->addWidget(new QLabel(tr("Smoothing")));
  bar->addWidget(smoothing_);
  bar->addWidget(smoothingValue_);
  bar->addSpacing(16);
  bar->addWidget(logY_);
  bar->addSpacing(16);
  bar->addWidget(xAxis_);
  bar->addSpacing(16);
  evalEvery_ = new QSpinBox;
  evalEvery_->setObjectName("evalEvery");
  evalEvery_->setRange(0, 100000);
  evalEvery_->setSingleStep(50);
  evalEvery_->setSpecialValueText(tr("off"));
  evalEvery_->setPrefix(tr("Evaluate every "));
  evalEvery_->setSuffix(tr(" steps"));
  evalEvery_->setValue(kDefaultEvalEvery);
  evalEvery_->setToolTip(tr("Every N steps, between two steps: the kNN monitor (200 neighbours, bank of up to 5000 "
                            "training images, 1000 test images), a linear probe on the same frozen features, "
                            "alignment/uniformity of 512 positive pairs, and the queue's consistency (keys of 8 past "
                            "steps re-encoded by the current key encoder). A few seconds on a CPU (about 4 s for the default experiment on 2 cores). 0 = off."));
  evaluate_ = new QPushButton(tr("Evaluate"));
  evaluate_->setObjectName("evaluate");
  evaluate_->setIcon(style::icon("evaluate"));
  evaluate_->setToolTip(tr("Evaluate now: kNN, linear probe, alignment/uniformity, queue consistency (the run pauses "
                           "for its duration)"));
  bar->addWidget(evalEvery_);
  bar->addWidget(evaluate_);
  bar->addStretch();
  column->addLayout(bar);

  loss_ = new LossPlot;
  const auto pct = [](double v) { return 100.0 * v; };
  plots_ = {
      loss_,
      new MetricPlot(tr("Instance accuracy"), tr("acc@1 among K+1 (%)"),
                     {{tr("acc@1"), [pct](const StepMetrics& m) { return pct(m.instance_acc1); }, palette::green()}}, false),
      new MetricPlot(tr("Learning rate"), tr("lr"), {{tr("lr"), [](const StepMetrics& m) { return m.lr; }, palette::orange()}}, true),
      new MetricPlot(tr("Cosine similarity"), tr("mean cosine"),
                     {{tr("q·k+ (positive)"), [](const StepMetrics& m) { return m.positive_cosine; }, palette::green()},
                      {tr("q·queue (negatives)"), [](const StepMetrics& m) { return m.negative_cosine; }, palette::red(),
                       Qt::DashLine}},
                     false),
      new NegativesAgePlot,
      new MetricPlot(tr("Key-encoder drift"), tr("‖θk − θq‖ / ‖θq‖"),
                     {{tr("drift"), [](const StepMetrics& m) { return m.key_drift; }, palette::tab10(5)}}, true),
  };
  ages_ = new QueueAgeHistogram;
  consistency_ = new ConsistencyPlot;
  consistency_->setObjectName("Queue consistency");
  accuracy_ = EvalPlot::accuracy();
  accuracy_->setObjectName("Accuracy");
  health_ = EvalPlot::health();
  health_->setObjectName("Alignment / uniformity");
  for (auto* plot : plots_) plot->setObjectName(plot->title());
  // Row 1: the loss and what it is made of; row 2: the queue and the key encoder; row 3: what the
  // periodic evaluation says about the features.
  auto* grid = new QGridLayout;
  grid->setSpacing(6);
  QWidget* const cells[] = {plots_[0], plots_[1], plots_[2], plots_[3], plots_[4], ages_, plots_[5], consistency_};
  for (int i = 0; i < int(std::size(cells)); ++i) grid->addWidget(cells[i], i / kColumns, i % kColumns);
  grid->addWidget(accuracy_, 2, 0, 1, 2);
  grid->addWidget(health_, 2, 2, 1, 2);
  for (int c = 0; c < kColumns; ++c) grid->setColumnStretch(c, 1);
  column->addLayout(grid, 1);

  smoothing_->setValue(int(options_.smoothing * kSmoothingTicks));
  smoothingValue_->setText(QString::number(options_.smoothing, 'f', 2));
  connect(smoothing_, &QSlider::valueChanged, this, &PlotGrid::readControls);
  connect(logY_, &QCheckBox::toggled, this, &PlotGrid::readControls);
  connect(xAxis_, &QComboBox::currentIndexChanged, this, &PlotGrid::readControls);
  // The histogram shows only the newest step: a few redraws a second are plenty.
  ageTimer_ = new QTimer(this);
  ageTimer_->setSingleShot(true);
  ageTimer_->setInterval(kAgeRefreshMs);
  connect(ageTimer_, &QTimer::timeout, this, &PlotGrid::updateAges);
  connect(runs_, &RunList::shownChanged, this, &PlotGrid::onShownChanged);
  connect(runs_, &RunList::metricsAppended, this, &PlotGrid::onMetricsAppended);
  connect(runs_, &RunList::evaluationChanged, this, &PlotGrid::showEvaluations);
  connect(evalEvery_, &QSpinBox::valueChanged, this, &PlotGrid::evalIntervalChanged);
  connect(evaluate_, &QPushButton::clicked, this, &PlotGrid::evaluateRequested);
  setOptions(options_);
}

void PlotGrid::readControls() {
  PlotOptions o;
  o.smoothing = double(smoothing_->value()) / kSmoothingTicks;
  o.logY = logY_->isChecked();
  o.x = xAxis_->currentIndex() == 1 ? XAxisMode::Time : XAxisMode::Step;
  smoothingValue_->setText(QString::number(o.smoothing, 'f', 2));
  options_ = o;
  for (auto* plot : plots_) {
    plot->setOptions(o);
    plot->refresh();
  }
  accuracy_->setTimeAxis(o.x == XAxisMode::Time);
  health_->setTimeAxis(o.x == XAxisMode::Time);
}

int PlotGrid::evalInterval() const { return evalEvery_->value(); }

void PlotGrid::setEvaluating(bool busy) {
  evaluate_->setEnabled(!busy);
  evaluate_->setText(busy ? tr("Evaluating…") : tr("Evaluate"));
}

void PlotGrid::setOptions(const PlotOptions& options) {
  {
    QSignalBlocker a(smoothing_), b(logY_), c(xAxis_);
    smoothing_->setValue(int(options.smoothing * kSmoothingTicks));
    logY_->setChecked(options.logY);
    xAxis_->setCurrentIndex(options.x == XAxisMode::Time ? 1 : 0);
  }
  readControls();
  onShownChanged();
}

void PlotGrid::onShownChanged() {
  const auto shown = runs_->shownRuns();
  for (auto* plot : plots_) {
    plot->setRuns(shown);
    plot->refresh();
  }
  ages_->showRun(shown.isEmpty() ? nullptr : shown.back());
  showEvaluations();
}

void PlotGrid::showEvaluations() {
  const auto shown = runs_->shownRuns();
  accuracy_->setRuns(shown);
  health_->setRuns(shown);
  consistency_->setRuns(shown);
}

void PlotGrid::onMetricsAppended(Run* run, int first) {
  if (!run->shown) return;
  for (auto* plot : plots_) {
    plot->appendPoints(*run, first);
    plot->refresh();
  }
  accuracy_->followSteps();
  health_->followSteps();
  // Asking the engine for the queue's exact ages is not free: only while the histogram is seen.
  if (isVisible() && !ageTimer_->isActive()) ageTimer_->start();
}

void PlotGrid::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  updateAges();
}

void PlotGrid::updateAges() {
  const auto shown = runs_->shownRuns();
  const Run* run = shown.isEmpty() ? nullptr : shown.back();
  if (run && slotAges_) {
    // The answer in flight will draw; one lost with a session that ended is given up after a while.
    if (agesPending_ && agesAsked_.elapsed() < kAgeAnswerTimeoutMs) return;
    const int id = run->id;
    QPointer<PlotGrid> self(this);
    agesAsked_.start();
    agesPending_ = slotAges_(id, [self, id](const std::vector<int64_t>& ages, int64_t step) {
      if (!self) return;
      self->agesPending_ = false;
      const auto now = self->runs_->shownRuns();
      if (now.isEmpty() || now.back()->id != id) return;
      if (ages.empty()) self->ages_->showRun(now.back());  // the engine could not answer
      else self->ages_->showAges(ages, step, *now.back());
    });
    if (agesPending_) return;
  }
  ages_->showRun(run);
}

}  // namespace moco
