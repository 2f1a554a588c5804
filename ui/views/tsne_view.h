// A live map of what the encoder has learned: backbone features of test images, embedded in 2-D
// by Barnes-Hut t-SNE (core/tsne) on a worker thread and drawn coloured by class. Each new feature
// snapshot continues from the previous layout (warm start), so the map evolves instead of jumping;
// intermediate layouts are drawn as they come, so it animates. Hover shows the image, click opens
// its nearest neighbours.
#pragma once

#include <QWidget>
#include <atomic>
#include <memory>
#include <vector>

#include "api/analysis.h"

class QCustomPlot;
class QFrame;
class QLabel;
class QPushButton;
class QSpinBox;

namespace moco {

class DatasetCache;
class SessionController;

class TsneView : public QWidget {
  Q_OBJECT
 public:
  TsneView(SessionController* controller, DatasetCache* datasets, QWidget* parent = nullptr);
  ~TsneView() override;  // cancels a running t-SNE

  // Takes a feature snapshot between two steps and maps it.
  void snapshot();
  // Maps `features` (for tests and for snapshots taken elsewhere).
  void mapFeatures(FeatureSet features);
  int pointCount() const;
  bool isMapping() const { return static_cast<bool>(stop_); }

 signals:
  void imageChosen(moco::Split split, qint64 index);
  void mapped();  // a t-SNE run finished
  void progress(const QString& what, int done, int total);
  void mappingChanged(int threads);  // CPU threads the running t-SNE uses; 0 when it ends

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  void startTsne();
  void autoSnapshot();  // the automatic snapshot, when due and the map is shown
  void showLayout(const std::vector<float>& layout, int iteration, double kl, bool final);
  int nearestPoint(const QPointF& pixel) const;
  void hover(const QPointF& pixel, const QPoint& global);

  SessionController* controller_;
  DatasetCache* datasets_;
  QCustomPlot* plot_;
  QLabel* status_;
  QFrame* card_;  // the hover card: thumbnail and class
  QLabel* cardImage_;
  QLabel* cardText_;
  QPushButton* snapshotButton_;
  QSpinBox* every_;
  QSpinBox* points_;
  FeatureSet features_;           // being mapped
  std::vector<float> layout_;     // the latest layout (n x 2), warm start of the next run
  std::vector<int64_t> shownIndices_, shownLabels_;  // rows of the drawn layout
  std::shared_ptr<std::atomic<bool>> stop_;  // the running t-SNE's cancel flag, null when idle
  bool snapshotInFlight_ = false;  // features requested from the training thread, not back yet
  bool pending_ = false;                     // a newer snapshot waits for the running map to stop
  int64_t lastSnapshotStep_ = 0;
};

}  // namespace moco
