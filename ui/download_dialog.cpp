#include "download_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <atomic>

#include "background.h"

namespace moco {
namespace {

constexpr int kRefreshMs = 50;       // the bar follows the bytes at 20 Hz, not per network chunk
constexpr int kBarSteps = 1000;      // QProgressBar counts in int: per mille of the archive

QString megabytes(int64_t bytes) { return QString::number(double(bytes) / 1e6, 'f', 1) + " MB"; }

}  // namespace

struct DownloadDialog::Progress {
  std::atomic<int64_t> done{0}, total{0};
  std::atomic<int> stage{-1};  // a DownloadStage once the bytes are in
  std::atomic<bool> cancel{false};
};

DownloadDialog::DownloadDialog(QWidget* parent, std::vector<DownloadableDataset> catalogue)
    : QDialog(parent), catalogue_(std::move(catalogue)), datasets_(new QComboBox(this)), size_(new QLabel(this)),
      destination_(new QLineEdit(QString::fromStdString(default_data_dir()), this)), progress_(new QProgressBar(this)),
      status_(new QLabel(this)), start_(new QPushButton(tr("Download"), this)), cancel_(new QPushButton(tr("Cancel"), this)),
      refresh_(new QTimer(this)) {
  setWindowTitle(tr("Download a dataset"));
  for (const auto& d : catalogue_) datasets_->addItem(QString::fromStdString(d.name));
  auto* browse = new QToolButton(this);
  browse->setText(QStringLiteral("…"));
  auto* destinationRow = new QHBoxLayout;
  destinationRow->addWidget(destination_);
  destinationRow->addWidget(browse);
  auto* form = new QFormLayout;
  form->addRow(tr("Dataset"), datasets_);
  form->addRow(tr("Size"), size_);
  form->addRow(tr("Into"), destinationRow);
  progress_->setRange(0, kBarSteps);
  progress_->setValue(0);
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* buttons = new QDialogButtonBox(this);
  buttons->addButton(start_, QDialogButtonBox::AcceptRole);
  buttons->addButton(cancel_, QDialogButtonBox::RejectRole);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  layout->addWidget(buttons);
  if (!downloads_supported()) {
    status_->setText(tr("This build has no libcurl, libarchive or OpenSSL: it cannot download datasets."));
    start_->setEnabled(false);
  }

  connect(datasets_, &QComboBox::currentIndexChanged, this, &DownloadDialog::showSize);
  connect(browse, &QToolButton::clicked, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Data folder"), destination());
    if (!folder.isEmpty()) setDestination(folder);
  });
  connect(start_, &QPushButton::clicked, this, &DownloadDialog::start);
  connect(cancel_, &QPushButton::clicked, this, [this] { isRunning() ? cancel() : reject(); });
  connect(refresh_, &QTimer::timeout, this, &DownloadDialog::showProgress);
  refresh_->setInterval(kRefreshMs);
  showSize();
}

DownloadDialog::~DownloadDialog() { cancel(); }

void DownloadDialog::selectDataset(const QString& name) { datasets_->setCurrentText(name); }
QString DownloadDialog::dataset() const { return datasets_->currentText(); }
void DownloadDialog::setDestination(const QString& folder) { destination_->setText(folder); }
QString DownloadDialog::destination() const { return destination_->text(); }

void DownloadDialog::showSize() {
  const int index = datasets_->currentIndex();
  if (index < 0) return;
  const auto& d = catalogue_[size_t(index)];
  size_->setText(tr("%1 (%2, MD5 checked)").arg(megabytes(d.bytes), QString::fromStdString(d.file)));
}

void DownloadDialog::showProgress() {
  if (!state_) return;
  const int64_t done = state_->done, total = state_->total;
  if (total > 0) progress_->setValue(int(std::min<int64_t>(kBarSteps, done * kBarSteps / total)));
  switch (state_->stage) {
    case int(DownloadStage::Verifying): status_->setText(tr("Checking the MD5…")); break;
    case int(DownloadStage::Extracting): status_->setText(tr("Extracting…")); break;
    default: status_->setText(tr("Downloading… %1 of %2").arg(megabytes(done), megabytes(total)));
  }
}

void DownloadDialog::start() {
  if (isRunning() || datasets_->currentIndex() < 0) return;
  const DownloadableDataset dataset = catalogue_[size_t(datasets_->currentIndex())];
  DownloadOptions options;
  options.data_dir = destination().toStdString();
  options.mirror = data_mirror_from_env();
  auto state = std::make_shared<Progress>();
  options.progress = [state](int64_t done, int64_t total) {
    state->done = done;
    state->total = total;
    return !state->cancel;
  };
  options.stage = [state](DownloadStage stage) { state->stage = int(stage); };
  state_ = state;
  start_->setEnabled(false);
  datasets_->setEnabled(false);
  destination_->setEnabled(false);
  progress_->setValue(0);
  status_->setText(tr("Connecting…"));
  refresh_->start();
  const QString name = QString::fromStdString(dataset.name);
  runInBackground(
      this, [dataset, options] { return QString::fromStdString(download_dataset(dataset, options)); },
      [this, name](const QString& folder) {
        finish(tr("Downloaded %1 into %2").arg(name, folder));
        progress_->setValue(kBarSteps);
        emit downloaded(name, folder);
      },
      [this, state](const QString& message) {
        finish(state->cancel ? tr("Cancelled: the partial download is kept, Download resumes it.") : message);
        if (!state->cancel) emit failed(message);
      });
}

void DownloadDialog::cancel() {
  if (state_) state_->cancel = true;
}

void DownloadDialog::finish(const QString& message) {
  state_.reset();
  refresh_->stop();
  status_->setText(message);
  start_->setEnabled(downloads_supported());
  datasets_->setEnabled(true);
  destination_->setEnabled(true);
}

}  // namespace moco
