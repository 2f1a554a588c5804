// What the encoder considers similar: for one test image, its nearest training images (backbone
// features, cosine) and its nearest keys in the queue (head embeddings, with each key's age), from
// the encoder being trained. Opened by clicking a point of the t-SNE map, or by picking an index.
#pragma once

#include <QWidget>

#include "api/analysis.h"

class QGridLayout;
class QLabel;
class QSpinBox;

namespace moco {

class DatasetCache;
class SessionController;

class NeighboursView : public QWidget {
  Q_OBJECT
 public:
  NeighboursView(SessionController* controller, DatasetCache* datasets, QWidget* parent = nullptr);

  // Shows test image `index` and searches its neighbours (when a run can answer).
  void setQuery(qint64 index);
  void search();
  const NeighbourReport& report() const { return report_; }

 signals:
  void searched();

 private:
  void showQuery();
  void showReport();
  QWidget* tile(const Neighbour& n, bool queue) const;

  SessionController* controller_;
  DatasetCache* datasets_;
  QSpinBox* index_;
  QSpinBox* k_;
  QLabel* query_;
  QLabel* queryCaption_;
  QLabel* status_;
  QGridLayout* training_;
  QGridLayout* queue_;
  NeighbourReport report_;
  int64_t queryLabel_ = -1;
  bool busy_ = false;
};

}  // namespace moco
