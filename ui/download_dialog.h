// "Download…": fetches CIFAR-10, CIFAR-100 or STL-10 into the data folder off the GUI thread,
// with progress and Cancel (the partial file is kept, so the next try resumes). On success it
// emits downloaded(dataset, folder) so the caller can switch the experiment to it.
#pragma once

#include <QDialog>
#include <memory>
#include <vector>

#include "api/downloads.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTimer;

namespace moco {

class DownloadDialog : public QDialog {
  Q_OBJECT
 public:
  // `catalogue`: what may be downloaded (tests pass entries with their own checksums).
  explicit DownloadDialog(QWidget* parent = nullptr,
                          std::vector<DownloadableDataset> catalogue = downloadable_datasets());
  ~DownloadDialog() override;  // cancels a running download; its thread ends on its own

  void selectDataset(const QString& name);   // e.g. "cifar10"
  QString dataset() const;
  void setDestination(const QString& folder);  // default: default_data_dir()
  QString destination() const;
  bool isRunning() const { return state_ != nullptr; }

 public slots:
  void start();
  void cancel();

 signals:
  // The release folder, e.g. <destination>/cifar-10-batches-bin (what data.path may name).
  void downloaded(const QString& dataset, const QString& folder);
  void failed(const QString& message);

 private:
  struct Progress;  // shared with the download's thread
  void showSize();
  void showProgress();
  void finish(const QString& message);

  std::vector<DownloadableDataset> catalogue_;
  std::shared_ptr<Progress> state_;  // set while a download runs
  QComboBox* datasets_;
  QLabel* size_;
  QLineEdit* destination_;
  QProgressBar* progress_;
  QLabel* status_;
  QPushButton* start_;
  QPushButton* cancel_;
  QTimer* refresh_;
};

}  // namespace moco
