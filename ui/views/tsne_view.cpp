#include "tsne_view.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>
#include <cmath>
#include <utility>

#include "background.h"
#include "dataset_cache.h"
#include "image_convert.h"
#include "palette.h"
#include "plot_style.h"
#include "replot_pacer.h"
#include "session_controller.h"
#include "tsne/map_options.h"

namespace moco {
namespace {
constexpr int kDefaultEvery = 100;       // steps between automatic snapshots while the map is shown
constexpr int kThumbnailSide = 84;
constexpr double kHoverRadiusPx = 12;

struct Frame {
  std::vector<float> layout;
  int iteration;
  double kl;
};
}  // namespace

TsneView::TsneView(SessionController* controller, DatasetCache* datasets, QWidget* parent)
    : QWidget(parent), controller_(controller), datasets_(datasets), plot_(new QCustomPlot) {
  setObjectName("tsne");
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(8, 8, 8, 8);
  auto* bar = new QHBoxLayout;
  snapshotButton_ = new QPushButton(tr("Snapshot && map"));
  snapshotButton_->setObjectName("snapshot");
  snapshotButton_->setToolTip(tr("Take the query encoder's features of the test images now and map them with t-SNE"));
  every_ = new QSpinBox;
  every_->setRange(0, 100000);
  every_->setSingleStep(100);
  every_->setSpecialValueText(tr("off"));
  every_->setPrefix(tr("auto every "));
  every_->setSuffix(tr(" steps"));
  every_->setObjectName("tsneEvery");
  every_->setValue(kDefaultEvery);
  every_->setToolTip(tr("While this tab is shown, take a new snapshot every N steps (and one on coming back to it if "
                        "the map is older than that); each continues from the previous map (warm start), so the map "
                        "follows training. Hidden, it costs nothing. 0 = only on request."));
  points_ = new QSpinBox;
  points_->setObjectName("tsnePoints");
  points_->setRange(100, 10000);
  points_->setSingleStep(500);
  points_->setValue(int(kMapPoints));
  points_->setPrefix(tr("images: "));
  points_->setToolTip(tr("Test images mapped (the first N). More points take longer."));
  status_ = new QLabel(tr("Start or pause a run, then take a snapshot."));
  status_->setProperty("role", "status");
  status_->setWordWrap(true);  // never widens the window
  bar->addWidget(snapshotButton_);
  bar->addWidget(every_);
  bar->addWidget(points_);
  bar->addSpacing(12);
  bar->addWidget(status_, 1);
  column->addLayout(bar);
  column->addWidget(plot_, 1);

  stylePlot(plot_, tr("t-SNE of the encoder's features (test images)"), QString(), QString());
  for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
    axis->setTickLabels(false);
    axis->setTicks(false);
    axis->grid()->setVisible(false);
  }
  plot_->legend->setVisible(true);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  plot_->setMouseTracking(true);
  plot_->installEventFilter(this);

  card_ = new QFrame(plot_);
  card_->setObjectName("hoverCard");
  card_->setAttribute(Qt::WA_TransparentForMouseEvents);
  auto* cardLayout = new QVBoxLayout(card_);
  cardLayout->setContentsMargins(5, 5, 5, 4);
  cardLayout->setSpacing(2);
  cardImage_ = new QLabel;
  cardText_ = new QLabel;
  cardText_->setAlignment(Qt::AlignCenter);
  cardLayout->addWidget(cardImage_, 0, Qt::AlignCenter);
  cardLayout->addWidget(cardText_);
  card_->hide();

  connect(snapshotButton_, &QPushButton::clicked, this, &TsneView::snapshot);
  connect(controller_, &SessionController::metricsArrived, this, [this] { autoSnapshot(); });
}

void TsneView::autoSnapshot() {
  // Only while someone looks at the map: t-SNE takes CPU threads from training.
  if (!isVisible() || every_->value() == 0 || stop_ || snapshotInFlight_ || !controller_->acceptsJobs()) return;
  const int64_t step = controller_->stepsDone();
  if (step > 0 && (layout_.empty() || step >= lastSnapshotStep_ + every_->value())) snapshot();
}

TsneView::~TsneView() {
  if (stop_) *stop_ = true;
}

int TsneView::pointCount() const {
  int n = 0;
  for (int i = 0; i < plot_->graphCount(); ++i) n += plot_->graph(i)->dataCount();
  return n;
}

void TsneView::snapshot() {
  if (!controller_->acceptsJobs()) {
    status_->setText(tr("Features come from the encoder being trained: start (or pause) a run first."));
    return;
  }
  std::vector<int64_t> indices;
  const int64_t available = datasets_->current() ? datasets_->info().test_size : points_->value();
  for (int64_t i = 0; i < std::min<int64_t>(points_->value(), available); ++i) indices.push_back(i);
  lastSnapshotStep_ = controller_->stepsDone();
  auto result = std::make_shared<FeatureSet>();
  status_->setText(tr("taking a feature snapshot…"));
  snapshotInFlight_ = controller_->runJob(
      [result, indices](Trainer& t) { *result = extract_feature_set(t, Split::Test, indices, false); },
      [this, result](const QString& error) {
        snapshotInFlight_ = false;
        if (!error.isEmpty()) status_->setText(tr("snapshot failed: %1").arg(error));
        else mapFeatures(std::move(*result));
      });
}

void TsneView::mapFeatures(FeatureSet features) {
  features_ = std::move(features);
  if (stop_) {  // let the running map stop, then start from its latest layout
    *stop_ = true;
    pending_ = true;
    return;
  }
  startTsne();
}

void TsneView::startTsne() {
  pending_ = false;
  const bool warm = layout_.size() == size_t(features_.count) * 2 && features_.indices == shownIndices_;
  // Half the cores: training keeps the other half.
  const TsneOptions options = feature_map_options(features_.count, warm, std::max(1, QThread::idealThreadCount() / 2));
  auto stop = std::make_shared<std::atomic<bool>>(false);
  stop_ = stop;
  auto features = std::make_shared<const FeatureSet>(features_);
  auto initial = warm ? std::make_shared<const std::vector<float>>(layout_) : nullptr;
  const int total = options.iterations;
  emit mappingChanged(options.threads);
  status_->setText(warm ? tr("t-SNE: continuing from the previous map (step %1)…").arg(features_.step)
                        : tr("t-SNE: mapping %1 images (step %2)…").arg(features_.count).arg(features_.step));
  QPointer<TsneView> self(this);
  runInBackground(
      this,
      [features, initial, options, stop, self, total] {
        TsneCallbacks callbacks;
        callbacks.stop = stop.get();
        callbacks.on_snapshot = [self, stop, total](int iteration, double kl, const std::vector<float>& layout) {
          if (*stop) return false;
          auto frame = std::make_shared<Frame>(Frame{layout, iteration, kl});
          postToGui([self, frame, total] {
            if (self) {
              self->showLayout(frame->layout, frame->iteration, frame->kl, false);
              emit self->progress(tr("t-SNE"), frame->iteration, total);
            }
          });
          return true;
        };
        return run_tsne(features->values.data(), features->count, features->dim, options, initial.get(), callbacks);
      },
      [this, stop](TsneResult result) {
        if (stop_ == stop) stop_.reset();
        if (!result.layout.empty()) showLayout(result.layout, result.iterations, result.kl_divergence, !result.cancelled);
        if (pending_) return startTsne();
        emit mappingChanged(0);
        if (!result.cancelled) emit mapped();
        emit progress(tr("t-SNE"), 1, 1);
      },
      [this, stop](const QString& message) {
        if (stop_ == stop) stop_.reset();
        status_->setText(tr("t-SNE failed: %1").arg(message));
        emit progress(tr("t-SNE"), 1, 1);
        if (pending_) startTsne();
        else emit mappingChanged(0);
      });
}

void TsneView::showLayout(const std::vector<float>& layout, int iteration, double kl, bool final) {
  const int64_t n = int64_t(layout.size() / 2);
  if (n != features_.count) return;  // a frame of an older snapshot
  layout_ = layout;
  shownIndices_ = features_.indices;
  shownLabels_ = features_.labels;
  const auto& names = datasets_->info().class_names;
  int64_t classes = 0;
  for (auto l : shownLabels_) classes = std::max(classes, l + 1);
  if (plot_->graphCount() != int(std::max<int64_t>(1, classes))) {
    plot_->clearGraphs();
    for (int64_t c = 0; c < std::max<int64_t>(1, classes); ++c) {
      auto* g = plot_->addGraph();
      g->setLineStyle(QCPGraph::lsNone);
      const QColor colour = palette::tab10(int(c));
      g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, palette::faded(colour, 200), 5));
      // Unlabelled images (a folder without class subfolders) all take the first colour: the legend says why.
      g->setName(classes == 0 ? tr("unlabelled: no classes to colour by")
                 : c < int64_t(names.size()) ? QString::fromStdString(names[size_t(c)])
                                             : tr("class %1").arg(c));
    }
  }
  std::vector<QVector<QCPGraphData>> perClass(size_t(plot_->graphCount()));
  double xmin = 1e30, xmax = -1e30, ymin = 1e30, ymax = -1e30;
  for (int64_t i = 0; i < n; ++i) {
    const double x = layout[size_t(2 * i)], y = layout[size_t(2 * i + 1)];
    const int64_t label = std::clamp<int64_t>(shownLabels_.empty() ? 0 : shownLabels_[size_t(i)], 0, plot_->graphCount() - 1);
    perClass[size_t(label)].push_back(QCPGraphData(x, y));  // key = x: unsorted scatter is fine with lsNone
    xmin = std::min(xmin, x), xmax = std::max(xmax, x), ymin = std::min(ymin, y), ymax = std::max(ymax, y);
  }
  for (int c = 0; c < plot_->graphCount(); ++c) plot_->graph(c)->data()->set(perClass[size_t(c)], false);
  const double padX = (xmax - xmin) * 0.05 + 1e-6, padY = (ymax - ymin) * 0.05 + 1e-6;
  plot_->xAxis->setRange(xmin - padX, xmax + padX + (xmax - xmin) * 0.25);  // room for the legend
  plot_->yAxis->setRange(ymin - padY, ymax + padY);
  queueReplot(plot_);  // 1000s of points: drawn only while this tab is shown
  status_->setText(final ? tr("step %1 · %2 images · KL %3 · hover for the image, click for its neighbours")
                               .arg(features_.step).arg(n).arg(kl, 0, 'f', 2)
                         : tr("t-SNE iteration %1 · KL %2").arg(iteration).arg(kl, 0, 'f', 2));
}

void TsneView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  autoSnapshot();
}

int TsneView::nearestPoint(const QPointF& pixel) const {
  int best = -1;
  double bestDistance = kHoverRadiusPx;
  const int64_t n = int64_t(layout_.size() / 2);
  for (int64_t i = 0; i < n; ++i) {
    const double dx = plot_->xAxis->coordToPixel(layout_[size_t(2 * i)]) - pixel.x();
    const double dy = plot_->yAxis->coordToPixel(layout_[size_t(2 * i + 1)]) - pixel.y();
    const double d = std::hypot(dx, dy);
    if (d < bestDistance) bestDistance = d, best = int(i);
  }
  return best;
}

void TsneView::hover(const QPointF& pixel, const QPoint&) {
  const int i = nearestPoint(pixel);
  auto dataset = datasets_->current();
  if (i < 0 || !dataset || size_t(i) >= shownIndices_.size()) return card_->hide();
  const int64_t index = shownIndices_[size_t(i)];
  const auto& names = datasets_->info().class_names;
  const int64_t label = shownLabels_.empty() ? -1 : shownLabels_[size_t(i)];
  const QString cls = label >= 0 && label < int64_t(names.size()) ? QString::fromStdString(names[size_t(label)]) : QString();
  QPixmap thumb;
  try {
    thumb = toPixmap(dataset_image(*dataset, Split::Test, index), kThumbnailSide);
  } catch (const std::exception&) {
    return card_->hide();
  }
  cardImage_->setPixmap(thumb);
  cardText_->setText(tr("#%1 · %2").arg(index).arg(cls));
  card_->adjustSize();
  QPoint at = pixel.toPoint() + QPoint(14, 14);
  if (at.x() + card_->width() > plot_->width()) at.rx() -= card_->width() + 28;
  if (at.y() + card_->height() > plot_->height()) at.ry() -= card_->height() + 28;
  card_->move(at);
  card_->show();
  card_->raise();
  status_->setText(tr("test image #%1 · %2 · click for its nearest neighbours").arg(index).arg(cls));
}

bool TsneView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_) {
    if (event->type() == QEvent::MouseMove) {
      auto* e = static_cast<QMouseEvent*>(event);
      hover(e->position(), e->globalPosition().toPoint());
    } else if (event->type() == QEvent::Leave) {
      card_->hide();
    } else if (event->type() == QEvent::MouseButtonRelease) {
      auto* e = static_cast<QMouseEvent*>(event);
      const int i = nearestPoint(e->position());
      if (i >= 0 && size_t(i) < shownIndices_.size()) emit imageChosen(Split::Test, shownIndices_[size_t(i)]);
    }
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace moco
