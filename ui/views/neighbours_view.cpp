#include "neighbours_view.h"

#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QVBoxLayout>

#include "dataset_cache.h"
#include "image_convert.h"
#include "scrolled_content.h"
#include "session_controller.h"

namespace moco {
namespace {
constexpr int kQuerySide = 112;
constexpr int kTileSide = 68;
constexpr int kTilesPerRow = 8;
constexpr int64_t kBankLimit = 5000;  // training images searched: a second of feature extraction on a CPU

}  // namespace

NeighboursView::NeighboursView(SessionController* controller, DatasetCache* datasets, QWidget* parent)
    : QWidget(parent), controller_(controller), datasets_(datasets) {
  setObjectName("neighbours");
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(8, 8, 8, 8);
  auto* bar = new QHBoxLayout;
  index_ = new QSpinBox;
  index_->setObjectName("neighbourIndex");
  index_->setRange(0, 1000000);
  index_->setPrefix(tr("test image #"));
  auto* random = new QPushButton(tr("Random"));
  k_ = new QSpinBox;
  k_->setRange(1, 32);
  k_->setValue(kTilesPerRow);
  k_->setPrefix(tr("k = "));
  auto* find = new QPushButton(tr("Find neighbours"));
  find->setObjectName("findNeighbours");
  find->setToolTip(tr("Search with the encoder as it is now (between two training steps)"));
  status_ = new QLabel;
  status_->setProperty("role", "status");
  status_->setWordWrap(true);
  bar->addWidget(index_);
  bar->addWidget(random);
  bar->addWidget(k_);
  bar->addWidget(find);
  bar->addSpacing(12);
  bar->addWidget(status_, 1);
  column->addLayout(bar);

  auto* body = new QHBoxLayout;
  query_ = new QLabel;
  query_->setObjectName("neighbourQuery");
  query_->setFixedSize(kQuerySide + 12, kQuerySide + 12);
  query_->setAlignment(Qt::AlignCenter);
  queryCaption_ = new QLabel;
  queryCaption_->setAlignment(Qt::AlignHCenter);
  queryCaption_->setWordWrap(true);
  queryCaption_->setFixedWidth(kQuerySide + 12);
  auto* queryColumn = new QVBoxLayout;
  queryColumn->addWidget(new QLabel(tr("<b>Query</b>")));
  queryColumn->addWidget(query_);
  queryColumn->addWidget(queryCaption_);
  queryColumn->addStretch();
  body->addLayout(queryColumn);
  auto* results = new QVBoxLayout;
  auto* trainingBox = new QGroupBox(tr("Nearest training images (backbone features, cosine similarity)"));
  training_ = new QGridLayout(trainingBox);
  auto* queueBox = new QGroupBox(tr("Nearest keys in the queue (head embeddings; the image each key came from, and its age)"));
  queue_ = new QGridLayout(queueBox);
  results->addWidget(trainingBox);
  results->addWidget(queueBox);
  results->addStretch();
  body->addLayout(results, 1);
  auto* content = new QWidget;
  content->setLayout(body);
  addScrolled(column, content);

  connect(random, &QPushButton::clicked, this, [this] {
    const int64_t n = datasets_->current() ? datasets_->info().test_size : 1;
    setQuery(QRandomGenerator::global()->bounded(qint64(std::max<int64_t>(1, n))));
  });
  connect(find, &QPushButton::clicked, this, &NeighboursView::search);
  connect(index_, &QSpinBox::valueChanged, this, &NeighboursView::showQuery);
  connect(datasets_, &DatasetCache::loaded, this, &NeighboursView::showQuery);
  status_->setText(tr("Pick a test image (or click one in the t-SNE map), then Find neighbours while a run trains."));
}

void NeighboursView::setQuery(qint64 index) {
  index_->setValue(int(index));
  showQuery();
  search();
}

void NeighboursView::showQuery() {
  auto dataset = datasets_->current();
  if (!dataset) return;
  const auto& info = datasets_->info();
  index_->setMaximum(int(std::max<int64_t>(0, info.test_size - 1)));
  const int64_t index = index_->value();
  queryLabel_ = dataset_label(*dataset, Split::Test, index);
  const QString cls = queryLabel_ >= 0 && queryLabel_ < int64_t(info.class_names.size())
                          ? QString::fromStdString(info.class_names[size_t(queryLabel_)])
                          : QString();
  query_->setPixmap(toPixmap(dataset_image(*dataset, Split::Test, index), kQuerySide));
  query_->setToolTip(tr("query: test image #%1 · %2").arg(index).arg(cls));
  queryCaption_->setText(tr("test image #%1<br><b>%2</b>").arg(index).arg(cls.toHtmlEscaped()));
}

void NeighboursView::search() {
  auto dataset = datasets_->current();
  if (!dataset) return status_->setText(tr("The dataset is still loading."));
  if (!controller_->acceptsJobs())
    return status_->setText(tr("Neighbours come from the encoder being trained: start (or pause) a run first."));
  if (busy_) return;
  busy_ = true;
  const ImageU8 image = dataset_image(*dataset, Split::Test, index_->value());
  const int64_t k = k_->value();
  std::vector<int64_t> bank;
  for (int64_t i = 0; i < std::min(kBankLimit, datasets_->info().train_size); ++i) bank.push_back(i);
  auto report = std::make_shared<NeighbourReport>();
  status_->setText(tr("searching…"));
  const bool queued = controller_->runJob(
      [report, image, k, bank](Trainer& t) {
        const FeatureSet features = extract_feature_set(t, Split::Train, bank, false);
        *report = nearest_neighbours(t, features, image, k);
      },
      [this, report](const QString& error) {
        busy_ = false;
        if (!error.isEmpty()) return status_->setText(tr("search failed: %1").arg(error));
        report_ = *report;
        showReport();
        emit searched();
      });
  if (!queued) busy_ = false;
}

QWidget* NeighboursView::tile(const Neighbour& n, bool queue) const {
  auto* box = new QLabel;
  auto dataset = datasets_->current();
  const auto& names = datasets_->info().class_names;
  const QString cls = n.label >= 0 && n.label < int64_t(names.size()) ? QString::fromStdString(names[size_t(n.label)]) : QString();
  const bool same = n.label >= 0 && n.label == queryLabel_;
  QString text = QStringLiteral("cos %1").arg(n.similarity, 0, 'f', 3);
  if (queue) text += n.index >= 0 ? tr("<br>age %1").arg(n.age) : tr("<br>random key");
  if (dataset && n.index >= 0) box->setPixmap(toPixmap(dataset_image(*dataset, Split::Train, n.index), kTileSide));
  auto* tile = new QWidget;
  auto* column = new QVBoxLayout(tile);
  column->setContentsMargins(2, 2, 2, 2);
  column->setSpacing(1);
  box->setFixedSize(kTileSide + 6, kTileSide + 6);
  box->setAlignment(Qt::AlignCenter);
  box->setProperty("role", "neighbour");
  box->setProperty("sameClass", same);
  box->setToolTip(tr("training image #%1 · %2%3").arg(n.index).arg(cls).arg(same ? tr(" (same class)") : QString()));
  auto* caption = new QLabel(text + "<br>" + cls.toHtmlEscaped());
  caption->setAlignment(Qt::AlignHCenter);
  caption->setProperty("role", "caption");
  column->addWidget(box, 0, Qt::AlignHCenter);
  column->addWidget(caption);
  return tile;
}

void NeighboursView::showReport() {
  clearGrid(training_);
  clearGrid(queue_);
  int sameClass = 0;
  for (size_t i = 0; i < report_.training.size(); ++i) {
    training_->addWidget(tile(report_.training[i], false), int(i) / kTilesPerRow, int(i) % kTilesPerRow);
    sameClass += report_.training[i].label == queryLabel_;
  }
  for (size_t i = 0; i < report_.queue.size(); ++i)
    queue_->addWidget(tile(report_.queue[i], true), int(i) / kTilesPerRow, int(i) % kTilesPerRow);
  status_->setText(tr("%1 of %2 training neighbours share the query's class (green border).")
                       .arg(sameClass)
                       .arg(report_.training.size()));
}

}  // namespace moco
