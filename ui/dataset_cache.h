// The dataset the experiment names, loaded once in the background and shared: the augmented-pairs
// view previews it before training starts, the session trains on the same copy, and the analysis
// views draw thumbnails from it.
#pragma once

#include <QObject>
#include <atomic>
#include <memory>

#include "api/analysis.h"
#include "api/config.h"

namespace moco {

class DatasetCache : public QObject {
  Q_OBJECT
 public:
  explicit DatasetCache(QObject* parent = nullptr);

  // Loads `data` unless it is what is loaded (or loading) already.
  void request(const DataConfig& data);
  // The loaded dataset if it is `data`, else null.
  std::shared_ptr<const ImageDataset> get(const DataConfig& data) const;
  std::shared_ptr<const ImageDataset> current() const { return dataset_; }
  const DatasetInfo& info() const { return info_; }
  bool isLoading() const { return loading_; }

 signals:
  void loadingStarted();
  // Images decoded so far of an image folder being loaded (a few times a second).
  void loadingProgress(qint64 done, qint64 total);
  void loaded();
  void failed(const QString& message);

 private:
  DataConfig wanted_, have_;
  std::shared_ptr<const ImageDataset> dataset_;
  DatasetInfo info_;
  std::shared_ptr<std::atomic<bool>> superseded_;  // set when a newer request replaces the load in flight
  bool loading_ = false;
  bool hasWanted_ = false;
};

}  // namespace moco
