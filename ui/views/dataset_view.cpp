#include "dataset_view.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <vector>

#include "api/fields.h"
#include "image_convert.h"
#include "palette.h"
#include "scrolled_content.h"

namespace moco {
namespace {
constexpr int kTileSide = 48;
constexpr int kSamplesPerClass = 10;
constexpr int kMaxRows = 20;           // CIFAR-100's 100 classes: the first 20, then a count
constexpr int64_t kScanLimit = 20000;  // labels read to find the samples: instant even for 100 000 images

// 50000 -> "50 000" (a thin space between groups, as the papers print counts).
QString grouped(int64_t n) {
  QString digits = QString::number(n), out;
  for (int i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += QChar(0x2009);
    out += digits[i];
  }
  return out;
}

QString bytesText(double bytes) {
  if (bytes >= 1e9) return QString::number(bytes / 1e9, 'f', 1) + " GB";
  if (bytes >= 1e6) return QString::number(bytes / 1e6, 'f', bytes >= 1e8 ? 0 : 1) + " MB";
  return QString::number(bytes / 1e3, 'f', 0) + " kB";
}


// The name the dataset box shows ("CIFAR-10" for "cifar10"), without the "folder…" of its entry.
QString displayName(const std::string& name) {
  QString label = QString::fromStdString(field_spec("data.dataset").choice_label(name));
  for (const QString& suffix : {QStringLiteral(" folder…"), QStringLiteral("…")})
    if (label.endsWith(suffix)) label.chop(suffix.size());
  return label;
}

}  // namespace

QString describeDataset(const DatasetInfo& info) {
  const double bytes = double(info.train_size + info.test_size) * double(info.channels * info.height * info.width);
  const QString classes = info.class_names.empty() ? QObject::tr("no classes (unlabelled)")
                                                   : QObject::tr("%1 classes").arg(info.class_names.size());
  return QObject::tr("%1 training + %2 test images · %3 · %4×%5 %6 · %7 in memory")
      .arg(grouped(info.train_size), grouped(info.test_size), classes)
      .arg(info.width)
      .arg(info.height)
      .arg(info.channels == 3 ? QObject::tr("RGB") : QObject::tr("grey"), bytesText(bytes));
}

DatasetView::DatasetView(QWidget* parent) : QWidget(parent) {
  setObjectName("datasetView");
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(12, 10, 12, 10);
  title_ = new QLabel;
  title_->setObjectName("datasetTitle");
  title_->setProperty("role", "title");
  summary_ = new QLabel;
  summary_->setObjectName("datasetSummary");
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  warnings_ = new QLabel;
  warnings_->setObjectName("datasetWarnings");
  warnings_->setWordWrap(true);
  warnings_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  column->addWidget(title_);
  column->addWidget(summary_);
  column->addWidget(warnings_);

  auto* samples = new QWidget;
  grid_ = new QGridLayout(samples);
  grid_->setHorizontalSpacing(4);
  grid_->setVerticalSpacing(4);
  grid_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  addScrolled(column, samples);
  showNote(tr("No dataset loaded yet."));
}

void DatasetView::showNote(const QString& note) {
  dataset_.reset();
  info_ = {};
  title_->setText(tr("<b>Dataset</b>"));
  summary_->setText(note);
  warnings_->hide();
  clearGrid(grid_);
  rows_ = 0;
}

void DatasetView::setDataset(std::shared_ptr<const ImageDataset> dataset, const DatasetInfo& info) {
  dataset_ = std::move(dataset);
  info_ = info;
  title_->setText(tr("<b>%1</b>").arg(displayName(info.name).toHtmlEscaped()));
  summary_->setText(describeDataset(info));
  // What loading skipped or could not do (undecodable files, no labels) stays on the card, where
  // whoever looks at the data sees it, after the banner is gone.
  QStringList notes;
  for (const auto& w : info.warnings) notes << "⚠ " + QString::fromStdString(w).toHtmlEscaped();
  if (!info.labels_unavailable.empty()) notes << "ⓘ " + QString::fromStdString(info.labels_unavailable).toHtmlEscaped();
  warnings_->setText(notes.join("<br>"));
  warnings_->setVisible(!notes.isEmpty());
  fillGrid();
}

QString DatasetView::summary() const { return summary_->text(); }

void DatasetView::fillGrid() {
  clearGrid(grid_);
  rows_ = 0;
  if (!dataset_ || info_.train_size == 0) return;
  // The first samples of each class in the training split, in index order (the same every time).
  const bool labelled = !info_.class_names.empty() && dataset_label(*dataset_, Split::Train, 0) >= 0;
  const int classes = labelled ? int(info_.class_names.size()) : 1;
  const int rows = std::min(classes, kMaxRows);
  std::vector<std::vector<int64_t>> picks(static_cast<size_t>(rows));
  int full = 0;
  const int64_t scan = std::min(info_.train_size, labelled ? kScanLimit : int64_t(kSamplesPerClass));
  for (int64_t i = 0; i < scan && full < rows; ++i) {
    const int64_t label = labelled ? dataset_label(*dataset_, Split::Train, i) : 0;
    if (label < 0 || label >= rows) continue;
    auto& row = picks[size_t(label)];
    if (int(row.size()) >= kSamplesPerClass) continue;
    row.push_back(i);
    if (int(row.size()) == kSamplesPerClass) ++full;
  }
  for (int r = 0; r < rows; ++r) {
    const QString name = labelled ? QString::fromStdString(info_.class_names[size_t(r)]) : tr("unlabelled");
    auto* label = new QLabel(labelled ? QStringLiteral("<span style='color:%1'>●</span> %2")
                                            .arg(palette::tab10(r).name(), name.toHtmlEscaped())
                                      : name);
    label->setToolTip(labelled ? tr("class %1").arg(r) : tr("a folder without class subfolders"));
    label->setMinimumWidth(110);
    grid_->addWidget(label, r, 0, Qt::AlignRight | Qt::AlignVCenter);
    for (int c = 0; c < int(picks[size_t(r)].size()); ++c) {
      const int64_t index = picks[size_t(r)][size_t(c)];
      auto* tile = new QLabel;
      tile->setPixmap(toPixmap(dataset_image(*dataset_, Split::Train, index), kTileSide));
      tile->setFixedSize(kTileSide + 2, kTileSide + 2);
      tile->setAlignment(Qt::AlignCenter);
      tile->setToolTip(tr("%1 · training image #%2").arg(name).arg(index));
      grid_->addWidget(tile, r, c + 1);
    }
    ++rows_;
  }
  if (classes > rows) {
    auto* more = new QLabel(tr("… and %1 more classes").arg(classes - rows));
    more->setProperty("role", "status");
    grid_->addWidget(more, rows, 0, 1, kSamplesPerClass + 1);
  }
}

}  // namespace moco
