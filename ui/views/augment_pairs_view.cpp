#include "augment_pairs_view.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "background.h"
#include "image_convert.h"
#include "scrolled_content.h"
#include "palette.h"

namespace moco {
namespace {
constexpr int kImageSide = 120;  // big enough to see a 28-pixel image's crop, 3 fit a card
constexpr int kColumns = 2;
constexpr int kDefaultPairs = 6;

QLabel* imageLabel(QWidget* parent) {
  auto* box = new QLabel(parent);
  box->setFixedSize(kImageSide, kImageSide);
  box->setAlignment(Qt::AlignCenter);
  box->setProperty("role", "image");
  return box;
}

QLabel* small(QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setWordWrap(true);
  label->setProperty("role", "caption");
  label->setMaximumWidth(kImageSide);
  label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  return label;
}
}  // namespace

AugmentPairsView::AugmentPairsView(QWidget* parent) : QWidget(parent) {
  setObjectName("augmented-pairs");
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(8, 8, 8, 8);
  auto* bar = new QHBoxLayout;
  auto* resampleButton = new QPushButton(tr("Resample"));
  resampleButton->setObjectName("resample");
  resampleButton->setToolTip(tr("Draw new random augmentation parameters for the same images"));
  count_ = new QSpinBox;
  count_->setRange(1, 24);
  count_->setValue(kDefaultPairs);
  count_->setPrefix(tr("images: "));
  status_ = new QLabel;
  status_->setProperty("role", "status");
  auto* legend = new QLabel(tr("<span style='color:%1'>■</span> query crop &nbsp; <span style='color:%2'>■</span> key crop"
                               " &nbsp;·&nbsp; two independent random views of one image: a positive pair")
                                .arg(palette::blue().name(), palette::orange().name()));
  legend->setWordWrap(true);  // never widens the window
  bar->addWidget(resampleButton);
  bar->addWidget(count_);
  bar->addSpacing(12);
  bar->addWidget(legend, 1);
  bar->addWidget(status_);
  column->addLayout(bar);

  cards_ = new QWidget;
  grid_ = new QGridLayout(cards_);
  grid_->setSpacing(10);
  grid_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  addScrolled(column, cards_);

  connect(resampleButton, &QPushButton::clicked, this, &AugmentPairsView::resample);
  connect(count_, &QSpinBox::valueChanged, this, &AugmentPairsView::refresh);
  status_->setText(tr("waiting for the dataset…"));
}

void AugmentPairsView::setDataset(std::shared_ptr<const ImageDataset> dataset, const DatasetInfo& info) {
  dataset_ = std::move(dataset);
  info_ = info;
  refresh();
}

void AugmentPairsView::setAugmentation(const TransformConfig& augment) {
  augment_ = augment;
  refresh();
}

void AugmentPairsView::resample() {
  ++seed_;
  refresh();
}

void AugmentPairsView::refresh() {
  if (!dataset_ || info_.train_size == 0) return;
  if (busy_) {
    again_ = true;
    return;
  }
  busy_ = true;
  std::vector<int64_t> indices;
  const int n = count_->value();
  for (int i = 0; i < n; ++i) indices.push_back((int64_t(i) * 7919 + 13) % info_.train_size);  // spread over classes
  const auto dataset = dataset_;
  const auto augment = augment_;
  const auto seed = seed_;
  status_->setText(tr("drawing…"));
  runInBackground(
      this, [dataset, augment, indices, seed] { return preview_pairs(*dataset, augment, indices, seed); },
      [this](std::vector<PairPreview> pairs) {
        busy_ = false;
        show(std::move(pairs));
        if (std::exchange(again_, false)) refresh();
      },
      [this](const QString& message) {
        busy_ = false;
        status_->setText(tr("cannot draw views: %1").arg(message));
        if (std::exchange(again_, false)) refresh();
      });
}

void AugmentPairsView::show(std::vector<PairPreview> pairs) {
  shown_ = std::move(pairs);
  // The cards are made once and refilled: every new widget costs a style-sheet polish and fresh
  // size hints, and rebuilding the grid on each edit of the crop scale held the window's thread
  // for about 100 ms (the GUI soak's stalls).
  while (cardWidgets_.size() > shown_.size()) {
    delete cardWidgets_.back().frame;  // leaves the grid with it
    cardWidgets_.pop_back();
  }
  while (cardWidgets_.size() < shown_.size()) {
    const int i = int(cardWidgets_.size());
    cardWidgets_.push_back(makeCard());
    grid_->addWidget(cardWidgets_.back().frame, i / kColumns, i % kColumns);
  }
  for (size_t i = 0; i < shown_.size(); ++i) fill(cardWidgets_[i], shown_[i]);
  status_->setText(tr("seed %1").arg(seed_));
  emit updated();
}

AugmentPairsView::Card AugmentPairsView::makeCard() {
  Card c;
  c.frame = new QFrame(cards_);
  c.frame->setObjectName("pairCard");
  auto* grid = new QGridLayout(c.frame);
  grid->setContentsMargins(8, 6, 8, 8);
  grid->setHorizontalSpacing(8);
  grid->setVerticalSpacing(3);
  c.title = new QLabel(c.frame);
  grid->addWidget(c.title, 0, 0, 1, 3);
  grid->addWidget(new QLabel(tr("source"), c.frame), 1, 0);
  grid->addWidget(new QLabel(tr("<span style='color:%1'>query view</span>").arg(palette::blue().name()), c.frame), 1, 1);
  grid->addWidget(new QLabel(tr("<span style='color:%1'>key view</span>").arg(palette::orange().name()), c.frame), 1, 2);
  c.source = imageLabel(c.frame);
  c.query = imageLabel(c.frame);
  c.query->setToolTip(tr("what the query encoder sees"));
  c.key = imageLabel(c.frame);
  c.key->setToolTip(tr("what the key encoder sees"));
  c.sourceCaption = small(c.frame);
  c.queryCaption = small(c.frame);
  c.keyCaption = small(c.frame);
  grid->addWidget(c.source, 2, 0);
  grid->addWidget(c.query, 2, 1);
  grid->addWidget(c.key, 2, 2);
  grid->addWidget(c.sourceCaption, 3, 0);
  grid->addWidget(c.queryCaption, 3, 1);
  grid->addWidget(c.keyCaption, 3, 2);
  return c;
}

void AugmentPairsView::fill(const Card& c, const PairPreview& pair) {
  // The source, enlarged, with both crop boxes in source pixels scaled to the display.
  QPixmap source = toPixmap(pair.source, kImageSide);
  const double scale = double(source.width()) / double(std::max<int64_t>(1, pair.source.width));
  QPainter painter(&source);
  painter.setRenderHint(QPainter::Antialiasing);
  const auto box = [&](const ViewParams& v, const QColor& colour, qreal inset) {
    painter.setPen(QPen(colour, 2.0));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(v.crop_x * scale, v.crop_y * scale, v.crop_width * scale, v.crop_height * scale)
                         .adjusted(inset, inset, -inset, -inset));
  };
  box(pair.query, palette::blue(), 1.0);
  box(pair.key, palette::orange(), 2.0);
  painter.end();

  const QString cls = pair.label >= 0 && pair.label < int64_t(info_.class_names.size())
                          ? QString::fromStdString(info_.class_names[size_t(pair.label)])
                          : tr("unlabelled");
  c.title->setText(tr("<b>#%1</b> · %2").arg(pair.index).arg(cls.toHtmlEscaped()));
  c.source->setPixmap(source);
  c.source->setToolTip(tr("training image %1").arg(pair.index));
  c.query->setPixmap(toPixmap(pair.query_view, kImageSide));
  c.key->setPixmap(toPixmap(pair.key_view, kImageSide));
  c.sourceCaption->setText(tr("%1×%2 px").arg(pair.source.width).arg(pair.source.height));
  c.queryCaption->setText(describe(pair.query, pair.source.width, pair.source.height));
  c.keyCaption->setText(describe(pair.key, pair.source.width, pair.source.height));
}

QString AugmentPairsView::describe(const ViewParams& p, int64_t sourceWidth, int64_t sourceHeight) {
  QStringList parts;
  const double area = sourceWidth * sourceHeight > 0 ? p.crop_width * p.crop_height / double(sourceWidth * sourceHeight) : 0;
  parts << tr("crop %1 % of area, %2:1").arg(area * 100, 0, 'f', 0).arg(p.crop_height > 0 ? p.crop_width / p.crop_height : 0, 0, 'f', 2);
  if (p.flip) parts << tr("flipped");
  if (p.jitter)
    parts << tr("jitter b %1, c %2, s %3, h %4")
                 .arg(p.brightness, 0, 'f', 2)
                 .arg(p.contrast, 0, 'f', 2)
                 .arg(p.saturation, 0, 'f', 2)
                 .arg(p.hue, 0, 'f', 2);
  if (p.grayscale) parts << tr("grayscale");
  if (p.blur) parts << tr("blur σ %1").arg(p.sigma, 0, 'f', 2);
  return parts.join(" · ");
}

}  // namespace moco
