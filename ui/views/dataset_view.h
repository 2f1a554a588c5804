// The dataset card: what the experiment trains on before anything trains — how many images, how
// many classes, their size and channels, the memory they take, and a grid of samples per class with
// the class names (so a wrong folder, a grey set or a broken label file shows at a glance).
#pragma once

#include <QWidget>
#include <memory>

#include "api/analysis.h"

class QGridLayout;
class QLabel;

namespace moco {

class DatasetView : public QWidget {
  Q_OBJECT
 public:
  explicit DatasetView(QWidget* parent = nullptr);

  // Shows `dataset` (null: nothing loaded yet, with `note` saying why, e.g. "loading…").
  void setDataset(std::shared_ptr<const ImageDataset> dataset, const DatasetInfo& info);
  void showNote(const QString& note);
  // The card's summary line (tests and the screenshot tour read it).
  QString summary() const;
  // Classes shown as rows of samples.
  int rowsShown() const { return rows_; }

 private:
  void fillGrid();

  std::shared_ptr<const ImageDataset> dataset_;
  DatasetInfo info_;
  QLabel* title_;
  QLabel* summary_;
  QLabel* warnings_;
  QGridLayout* grid_;
  int rows_ = 0;
};

// "50 000 training + 10 000 test images · 10 classes · 32×32 RGB · 176 MB in memory".
QString describeDataset(const DatasetInfo& info);

}  // namespace moco
