// What the two encoders see: for a few training images, the source with the query's (blue) and
// the key's (orange) crop boxes drawn on it, both augmented views, and every drawn parameter.
// Redraws as soon as the augmentation settings change, before and during training; Resample draws
// new random parameters. Views are computed by core (preview_pairs) on a worker thread.
#pragma once

#include <QWidget>
#include <memory>
#include <vector>

#include "api/analysis.h"
#include "api/config.h"

class QFrame;
class QGridLayout;
class QLabel;
class QSpinBox;

namespace moco {

class AugmentPairsView : public QWidget {
  Q_OBJECT
 public:
  explicit AugmentPairsView(QWidget* parent = nullptr);

  void setDataset(std::shared_ptr<const ImageDataset> dataset, const DatasetInfo& info);
  void setAugmentation(const TransformConfig& augment);
  void resample();
  // Pairs currently shown (tests).
  int pairCount() const { return int(shown_.size()); }
  // Text describing one view's parameters, e.g. "crop 64 % · flip · jitter b 1.12 …".
  static QString describe(const ViewParams& p, int64_t sourceWidth, int64_t sourceHeight);

 signals:
  void updated();

 private:
  void refresh();
  // One pair's card: the source with both crop boxes, the two views, what was drawn for each.
  struct Card {
    QFrame* frame = nullptr;
    QLabel *title = nullptr, *source = nullptr, *query = nullptr, *key = nullptr;
    QLabel *sourceCaption = nullptr, *queryCaption = nullptr, *keyCaption = nullptr;
  };
  void show(std::vector<PairPreview> pairs);
  Card makeCard();
  void fill(const Card& card, const PairPreview& pair);

  std::shared_ptr<const ImageDataset> dataset_;
  DatasetInfo info_;
  TransformConfig augment_;
  uint64_t seed_ = 1;
  bool busy_ = false, again_ = false;  // one preview in flight; a change meanwhile asks for another
  std::vector<PairPreview> shown_;
  QSpinBox* count_;
  QLabel* status_;
  QGridLayout* grid_;
  QWidget* cards_;                 // holds the grid of cards
  std::vector<Card> cardWidgets_;  // one per pair shown, in grid order
};

}  // namespace moco
