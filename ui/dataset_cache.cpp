#include "dataset_cache.h"

#include <QCoreApplication>
#include <QPointer>

#include "background.h"

namespace moco {

namespace {
struct Loaded {
  std::shared_ptr<const ImageDataset> dataset;
  DatasetInfo info;
};
}  // namespace

DatasetCache::DatasetCache(QObject* parent) : QObject(parent) {}

std::shared_ptr<const ImageDataset> DatasetCache::get(const DataConfig& data) const {
  return dataset_ && same_data(data, have_) ? dataset_ : nullptr;
}

void DatasetCache::request(const DataConfig& data) {
  if ((dataset_ && same_data(data, have_)) || (hasWanted_ && same_data(data, wanted_))) return;
  wanted_ = data;
  hasWanted_ = true;
  loading_ = true;
  emit loadingStarted();
  // A load this request supersedes stops decoding at its next progress report.
  if (superseded_) superseded_->store(true);
  superseded_ = std::make_shared<std::atomic<bool>>(false);
  QPointer<DatasetCache> self(this);
  const LoadProgress progress = [self, superseded = superseded_](int64_t done, int64_t total) {
    postToGui([self, done, total] {
      if (self) emit self->loadingProgress(done, total);
    });
    return !superseded->load();
  };
  runInBackground(
      this,
      [data, progress] {
        Loaded l;
        l.dataset = load_dataset_shared(data, progress);
        l.info = dataset_info(*l.dataset);
        return l;
      },
      [this, data](Loaded l) {
        if (!same_data(data, wanted_)) return;  // a newer request is on its way
        dataset_ = std::move(l.dataset);
        info_ = std::move(l.info);
        have_ = data;
        loading_ = false;
        emit loaded();
      },
      [this, data](const QString& message) {
        if (!same_data(data, wanted_)) return;
        loading_ = false;
        hasWanted_ = false;  // a later request of the same data tries again
        emit failed(message);
      });
}

}  // namespace moco
