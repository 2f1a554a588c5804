#include "experiment_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>
#include <QVBoxLayout>

#include "api/analysis.h"
#include "api/datasets.h"
#include "api/downloads.h"
#include "augment_section.h"
#include "config_binder.h"
#include "download_dialog.h"
#include "memory_label.h"
#include "api/fields.h"
#include "momentum_control.h"
#include "style.h"

namespace moco {
namespace {

QFormLayout* newForm(QGroupBox* group) {
  auto* form = new QFormLayout(group);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  return form;
}

QString joinMilestones(const std::vector<double>& milestones) {
  QStringList parts;
  for (double m : milestones) parts << QString::number(m);
  return parts.join(", ");
}

}  // namespace

ExperimentPanel::ExperimentPanel(QWidget* parent) : QDockWidget(tr("Experiment"), parent), binder_(new ConfigBinder(this)) {
  setObjectName("experimentDock");
  setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  auto* content = new QWidget;
  content->setObjectName("experimentContent");
  auto* column = new QVBoxLayout(content);
  column->setContentsMargins(8, 8, 8, 8);
  column->setSpacing(10);

  problems_ = new QLabel;
  problems_->setObjectName("problems");
  problems_->setWordWrap(true);
  problems_->hide();
  trainingNote_ = new QLabel(tr("Training: fields marked %1 change the running session at its next step; the others "
                                "apply at the next Start.").arg(style::liveBadge()));
  trainingNote_->setObjectName("trainingNote");
  trainingNote_->setWordWrap(true);
  trainingNote_->hide();
  memory_ = new MemoryLabel;
  column->addWidget(memory_);
  column->addWidget(problems_);
  column->addWidget(trainingNote_);
  column->addWidget(buildData());
  column->addWidget(buildMethod());
  column->addWidget(buildModel());
  column->addWidget(buildOptimisation());
  column->addWidget(new AugmentSection(binder_));
  column->addWidget(buildRun());
  column->addStretch();

  auto* scroll = new QScrollArea;
  scroll->setWidget(content);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  scroll->setFrameShape(QFrame::NoFrame);
  setWidget(scroll);
  setMinimumWidth(360);

  connect(binder_, &ConfigBinder::edited, this, [this](const QString& key) {
    if (key == "data.dataset") {
      applyDatasetDefaults();
      askForMissingData();
    }
    updateVisibility();
    emit configEdited(key);
  });
  connect(binder_, &ConfigBinder::issuesChanged, this, &ExperimentPanel::showProblems);
  setConfig(binder_->config());
}

QWidget* ExperimentPanel::buildData() {
  auto* group = new QGroupBox(tr("Data"));
  dataForm_ = newForm(group);
  auto& b = *binder_;
  datasetBox_ = b.addChoice("data.dataset");
  markMissingDatasets();
  auto* download = new QPushButton(tr("Download…"));
  download->setObjectName("downloadDataset");
  download->setToolTip(tr("Download CIFAR-10, CIFAR-100 or STL-10 into the data folder (resumable, checksum-verified)"));
  connect(download, &QPushButton::clicked, this, [this] { openDownloads(QString()); });
  auto* datasetRowBox = new QWidget;
  auto* datasetRow = new QHBoxLayout(datasetRowBox);
  datasetRow->setContentsMargins(0, 0, 0, 0);
  datasetRow->addWidget(datasetBox_, 1);
  datasetRow->addWidget(download);
  b.addRow(dataForm_, "data.dataset", datasetRowBox);
  path_ = new QLineEdit;
  path_->setPlaceholderText(tr("folder with the dataset's files"));
  auto* browse = new QToolButton;
  browse->setText(tr("…"));
  browse->setToolTip(tr("Choose the folder"));
  auto* pathBox = new QWidget;
  auto* pathRow = new QHBoxLayout(pathBox);
  pathRow->setContentsMargins(0, 0, 0, 0);
  pathRow->addWidget(path_, 1);
  pathRow->addWidget(browse);
  b.addCustom("data.path", path_, [this](const Config& c) { path_->setText(QString::fromStdString(c.data.path)); });
  connect(path_, &QLineEdit::editingFinished, this, [this] {
    if (path_->text().toStdString() != binder_->config().data.path)
      binder_->edit("data.path", [this](Config& c) { c.data.path = path_->text().toStdString(); });
  });
  connect(browse, &QToolButton::clicked, this, &ExperimentPanel::chooseDataFolder);
  pathRow_ = b.addRow(dataForm_, "data.path", pathBox);
  b.addField("data.synthetic_per_class");
  perClassRow_ = b.addRow(dataForm_, "data.synthetic_per_class");
  b.addInt("data.synthetic_size")->setSuffix(tr(" px"));
  sizeRow_ = b.addRow(dataForm_, "data.synthetic_size");
  b.addField("data.cifar100_coarse", tr("20 superclasses"));
  coarseRow_ = b.addRow(dataForm_, "data.cifar100_coarse");
  b.addField("data.stl10_unlabeled", tr("100 000 unlabelled images"));
  stlRow_ = b.addRow(dataForm_, "data.stl10_unlabeled");
  auto* size = b.addInt("data.image_size");
  size->setSpecialValueText(tr("as stored"));
  size->setSuffix(tr(" px"));
  b.addRow(dataForm_, "data.image_size");
  b.addInt("data.train_limit")->setSpecialValueText(tr("all"));
  b.addRow(dataForm_, "data.train_limit");
  return group;
}

QWidget* ExperimentPanel::buildMethod() {
  auto* group = new QGroupBox(tr("MoCo"));
  auto* form = newForm(group);
  auto& b = *binder_;
  // The preset box is a command (it fills in a recipe), not a plain field: activated, not edited.
  preset_ = new QComboBox;
  const FieldSpec& presets = field_spec("preset");
  for (size_t i = 0; i < presets.choices.size(); ++i)
    preset_->addItem(QString::fromStdString(presets.choice_labels[i]), QString::fromStdString(presets.choices[i]));
  b.addCustom("preset", preset_, [this](const Config& c) {
    const int index = preset_->findData(QString::fromStdString(c.preset));
    preset_->setCurrentIndex(index < 0 ? preset_->count() - 1 : index);
  });
  connect(preset_, &QComboBox::activated, this, &ExperimentPanel::applyPreset);
  b.addRow(form, "preset");

  momentum_ = new MomentumControl;
  b.addCustom("moco.momentum", momentum_, [this](const Config& c) { momentum_->setValue(c.moco.momentum); });
  connect(momentum_, &MomentumControl::valueEdited, this,
          [this](double m) { binder_->edit("moco.momentum", [m](Config& c) { c.moco.momentum = m; }); });
  b.addRow(form, "moco.momentum");
  for (const char* key : {"moco.mechanism", "moco.queue_size", "moco.temperature", "moco.bn_splits"}) {
    b.addField(key);
    b.addRow(form, key);
  }
  b.addField("moco.symmetric", tr("both directions"));
  b.addRow(form, "moco.symmetric");
  return group;
}

QWidget* ExperimentPanel::buildModel() {
  auto* group = new QGroupBox(tr("Encoder"));
  auto* form = newForm(group);
  for (const char* key : {"model.encoder", "model.width", "model.head", "model.feature_dim"}) {
    binder_->addField(key);
    binder_->addRow(form, key);
  }
  return group;
}

QWidget* ExperimentPanel::buildOptimisation() {
  auto* group = new QGroupBox(tr("Optimisation"));
  optimForm_ = newForm(group);
  auto& b = *binder_;
  for (const char* key : {"optim.batch_size", "optim.lr", "optim.schedule"}) {
    b.addField(key);
    b.addRow(optimForm_, key);
  }
  auto* milestones = new QLineEdit;
  b.addCustom("optim.milestones", milestones, [milestones](const Config& c) { milestones->setText(joinMilestones(c.optim.milestones)); });
  connect(milestones, &QLineEdit::editingFinished, this, [this, milestones] {
    std::vector<double> values;
    for (const auto& part : milestones->text().split(',', Qt::SkipEmptyParts)) {
      bool ok = false;
      const double v = part.trimmed().toDouble(&ok);
      values.push_back(ok ? v : -1.0);  // validation names the bad entry
    }
    if (values != binder_->config().optim.milestones)
      binder_->edit("optim.milestones", [&](Config& c) { c.optim.milestones = values; });
  });
  milestonesRow_ = b.addRow(optimForm_, "optim.milestones");
  for (const char* key : {"optim.warmup_steps", "optim.weight_decay", "optim.sgd_momentum"}) {
    b.addField(key);
    b.addRow(optimForm_, key);
  }
  return group;
}

QWidget* ExperimentPanel::buildRun() {
  auto* group = new QGroupBox(tr("Run"));
  auto* form = newForm(group);
  auto& b = *binder_;
  b.addField("run.epochs");
  b.addRow(form, "run.epochs");
  b.addInt("run.total_steps")->setSpecialValueText(tr("from epochs"));
  b.addRow(form, "run.total_steps");
  b.addField("run.seed");
  b.addRow(form, "run.seed");
  const bool cuda = cuda_available();
  auto* device = b.addChoice("run.device");
  device->setItemText(int(DeviceChoice::Auto), cuda ? tr("auto (CUDA: available)") : tr("auto (CPU: no CUDA GPU seen)"));
  if (!cuda) {
    // Not selectable: a run asked to train on a GPU that LibTorch cannot see would only fail.
    const int item = int(DeviceChoice::Cuda);
    device->setItemText(item, tr("CUDA (not available)"));
    if (auto* items = qobject_cast<QStandardItemModel*>(device->model())) items->item(item)->setEnabled(false);
    device->setItemData(item, tr("no CUDA GPU seen by LibTorch"), Qt::ToolTipRole);
  }
  b.addRow(form, "run.device");
  b.addField("run.precision");
  b.addRow(form, "run.precision");
  b.addField("run.channels_last", tr("on CUDA"));
  b.addRow(form, "run.channels_last");
  b.addInt("run.threads")->setSpecialValueText(tr("all cores"));
  b.addRow(form, "run.threads");
  b.addInt("run.checkpoint_every")->setSpecialValueText(tr("only at the end"));
  b.addRow(form, "run.checkpoint_every");
  return group;
}

const Config& ExperimentPanel::config() const { return binder_->config(); }

void ExperimentPanel::setConfig(const Config& config) {
  binder_->setConfig(config);
  updateVisibility();
  emit configReplaced();
}

bool ExperimentPanel::isValid() const { return binder_->issues().empty(); }

QString ExperimentPanel::problems() const { return QString::fromStdString(describe(binder_->issues())); }

QString ExperimentPanel::issueAt(const QString& key) const { return binder_->issueText(key); }

void ExperimentPanel::setTraining(bool training) { trainingNote_->setVisible(training); }

void ExperimentPanel::applyPreset(int index) {
  const QString name = preset_->itemData(index).toString();
  if (name == "custom") return;
  // A method recipe keeps the data; a dataset's recipe (the CIFAR-10 demo) switches to its dataset
  // and keeps the rest of the data settings. The run's length, seed and device stay as chosen.
  Config next = preset_by_name(name.toStdString());
  const DatasetName presetDataset = next.data.dataset;
  const DataConfig before = config().data;
  next.data = before;
  if (preset_names_dataset(name.toStdString())) {
    next.data.dataset = presetDataset;
    if (presetDataset != before.dataset) next.data.path.clear();
  }
  next.run = config().run;
  binder_->setConfig(next);
  updateVisibility();
  emit configEdited("preset");
}

void ExperimentPanel::applyDatasetDefaults() {
  const Config before = config();
  const Config after = with_dataset_defaults(before);
  if (after.preset == before.preset && after.data.image_size == before.data.image_size) return;
  binder_->setConfig(after);
  if (after.preset != before.preset)
    emit recipeChanged(tr("Filled in this dataset's recipe: %1 (the Preset box switches back)")
                           .arg(QString::fromStdString(field_spec("preset").choice_label(after.preset))));
}

namespace {
// The download catalogue's entry of `name` ("cifar10" …), or null for a set it does not hold.
const DownloadableDataset* downloadEntry(const std::string& name) {
  for (const auto& d : downloadable_datasets())
    if (d.name == name) return &d;
  return nullptr;
}
}  // namespace

void ExperimentPanel::markMissingDatasets() {
  const FieldSpec& spec = field_spec("data.dataset");
  for (int i = 0; i < datasetBox_->count(); ++i) {
    const std::string name = datasetBox_->itemData(i).toString().toStdString();
    QString label = QString::fromStdString(spec.choice_label(name));
    if (name == to_string(DatasetName::FashionMnist) && !fashion_mnist_installed()) label += tr(" (not installed)");
    if (name == to_string(DatasetName::Mnist) && find_mnist(default_data_dir()).empty()) label += tr(" (not found)");
    if (const auto* entry = downloadEntry(name); entry && find_downloaded(*entry).empty()) label += tr(" (download…)");
    datasetBox_->setItemText(i, label);
  }
}

void ExperimentPanel::askForMissingData() {
  const DataConfig& data = config().data;
  if (!data.path.empty()) return;
  const bool mnistMissing = data.dataset == DatasetName::Mnist && find_mnist(default_data_dir()).empty();
  if (data.dataset == DatasetName::Idx || data.dataset == DatasetName::Folder || mnistMissing) {
    chooseDataFolder();
  } else if (const auto* entry = downloadEntry(to_string(data.dataset)); entry && find_downloaded(*entry).empty()) {
    openDownloads(QString::fromStdString(to_string(data.dataset)));
  }
}

void ExperimentPanel::openDownloads(const QString& dataset) {
  auto* dialog = new DownloadDialog(this);
  dialog->setObjectName("downloadDialog");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  if (!dataset.isEmpty()) dialog->selectDataset(dataset);
  connect(dialog, &DownloadDialog::downloaded, this, [this, dialog](const QString& name, const QString& folder) {
    markMissingDatasets();
    // In the data folder the loader finds it by itself; elsewhere the experiment names the folder.
    const bool inDataFolder = QDir(dialog->destination()) == QDir(QString::fromStdString(default_data_dir()));
    binder_->edit("data.dataset", [&](Config& c) {
      set_config_value(c, "data.dataset", name.toStdString());
      c.data.path = inDataFolder ? std::string() : folder.toStdString();
    });
    binder_->setConfig(binder_->config());  // the dataset box follows
    updateVisibility();
  });
  dialog->open();  // window-modal, not blocking: training and plots go on meanwhile
}

void ExperimentPanel::chooseDataFolder() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder with the dataset's files"), path_->text());
  if (folder.isEmpty()) return;
  binder_->edit("data.path", [&](Config& c) {
    if (!needs_folder(c.data.dataset)) c.data.dataset = DatasetName::Idx;  // "…" beside a built-in set
    c.data.path = folder.toStdString();
  });
  binder_->setConfig(binder_->config());  // the dataset box follows
  updateVisibility();
}

void ExperimentPanel::updateVisibility() {
  const auto& c = config();
  dataForm_->setRowVisible(pathRow_, needs_folder(c.data.dataset));
  dataForm_->setRowVisible(coarseRow_, c.data.dataset == DatasetName::Cifar100);
  dataForm_->setRowVisible(stlRow_, c.data.dataset == DatasetName::Stl10);
  dataForm_->setRowVisible(perClassRow_, c.data.dataset == DatasetName::Synthetic);
  dataForm_->setRowVisible(sizeRow_, c.data.dataset == DatasetName::Synthetic);
  optimForm_->setRowVisible(milestonesRow_, c.optim.schedule == LrSchedule::Step);
}

void ExperimentPanel::showProblems() {
  memory_->showEstimate(config());  // every validation follows an edit or a new experiment
  const auto& issues = binder_->issues();
  if (issues.empty()) {
    problems_->hide();
  } else {
    QStringList lines;
    for (const auto& i : issues)
      lines << QStringLiteral("<b>%1</b>: %2").arg(QString::fromStdString(i.field), QString::fromStdString(i.message).toHtmlEscaped());
    problems_->setText(tr("⚠ Start is disabled until this is fixed:") + "<br>" + lines.join("<br>"));
    problems_->show();
  }
  if (isValid() != wasValid_) {
    wasValid_ = isValid();
    emit validityChanged(wasValid_);
  }
}

}  // namespace moco
