#include "experiment_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <limits>

#include "api/analysis.h"
#include "augment_section.h"
#include "config_binder.h"
#include "field_help.h"
#include "momentum_control.h"
#include "style.h"

namespace moco {
namespace {

constexpr int kIntMax = std::numeric_limits<int>::max();

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
    if (key == "data.dataset" && binder_->config().data.dataset == "idx" && binder_->config().data.path.empty()) chooseIdxFolder();
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
  const QString fashion = fashion_mnist_installed() ? tr("Fashion-MNIST") : tr("Fashion-MNIST (not installed)");
  b.addRow(dataForm_, "data.dataset", tr("Dataset"),
           b.addChoice("data.dataset", [](Config& c) -> std::string& { return c.data.dataset; },
                       {{fashion, "fashion-mnist"}, {tr("Synthetic shapes"), "synthetic"}, {tr("IDX folder…"), "idx"}}));
  path_ = new QLineEdit;
  path_->setPlaceholderText(tr("folder with the IDX files"));
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
  connect(browse, &QToolButton::clicked, this, &ExperimentPanel::chooseIdxFolder);
  pathRow_ = b.addRow(dataForm_, "data.path", tr("Folder"), pathBox);
  perClassRow_ = b.addRow(dataForm_, "data.synthetic_per_class", tr("Images per class"),
                          b.addInt("data.synthetic_per_class", [](Config& c) -> int64_t& { return c.data.synthetic_per_class; }, 1, 100000));
  auto* size = b.addInt("data.synthetic_size", [](Config& c) -> int64_t& { return c.data.synthetic_size; }, 1, 512);
  size->setSuffix(tr(" px"));
  sizeRow_ = b.addRow(dataForm_, "data.synthetic_size", tr("Image size"), size);
  auto* limit = b.addInt("data.train_limit", [](Config& c) -> int64_t& { return c.data.train_limit; }, 0, kIntMax);
  limit->setSpecialValueText(tr("all"));
  b.addRow(dataForm_, "data.train_limit", tr("Training images"), limit);
  return group;
}

QWidget* ExperimentPanel::buildMethod() {
  auto* group = new QGroupBox(tr("MoCo"));
  auto* form = newForm(group);
  auto& b = *binder_;
  preset_ = new QComboBox;
  preset_->addItem(tr("MoCo v1"), "v1");
  preset_->addItem(tr("MoCo v2"), "v2");
  preset_->addItem(tr("custom"), "custom");
  b.addCustom("preset", preset_, [this](const Config& c) {
    const int index = preset_->findData(QString::fromStdString(c.preset));
    preset_->setCurrentIndex(index < 0 ? 2 : index);
  });
  connect(preset_, &QComboBox::activated, this, &ExperimentPanel::applyPreset);
  b.addRow(form, "preset", tr("Preset"));

  momentum_ = new MomentumControl;
  b.addCustom("moco.momentum", momentum_, [this](const Config& c) { momentum_->setValue(c.moco.momentum); });
  connect(momentum_, &MomentumControl::valueEdited, this,
          [this](double m) { binder_->edit("moco.momentum", [m](Config& c) { c.moco.momentum = m; }); });
  b.addRow(form, "moco.momentum", tr("Momentum m"));
  b.addRow(form, "moco.queue_size", tr("Queue K"),
           b.addInt("moco.queue_size", [](Config& c) -> int64_t& { return c.moco.queue_size; }, 1, 1 << 20));
  b.addRow(form, "moco.temperature", tr("Temperature τ"),
           b.addDouble("moco.temperature", [](Config& c) -> double& { return c.moco.temperature; }, 0.001, 10.0, 3, 0.01));
  b.addRow(form, "moco.bn_splits", tr("Shuffle-BN splits"),
           b.addInt("moco.bn_splits", [](Config& c) -> int64_t& { return c.moco.bn_splits; }, 1, 1024));
  b.addRow(form, "moco.symmetric", tr("Symmetric loss"),
           b.addBool("moco.symmetric", [](Config& c) -> bool& { return c.moco.symmetric; }, tr("both directions")));
  return group;
}

QWidget* ExperimentPanel::buildModel() {
  auto* group = new QGroupBox(tr("Encoder"));
  auto* form = newForm(group);
  auto& b = *binder_;
  b.addRow(form, "model.encoder", tr("Backbone"),
           b.addChoice("model.encoder", [](Config& c) -> std::string& { return c.model.encoder; },
                       {{tr("Small CNN (fast)"), "small_cnn"}, {tr("ResNet-18 (CIFAR stem)"), "resnet18_cifar"}}));
  b.addRow(form, "model.width", tr("Width"), b.addInt("model.width", [](Config& c) -> int64_t& { return c.model.width; }, 1, 1024));
  b.addRow(form, "model.head", tr("Head"),
           b.addChoice("model.head", [](Config& c) -> std::string& { return c.model.head; },
                       {{tr("MLP (v2)"), "mlp"}, {tr("Linear (v1)"), "linear"}}));
  b.addRow(form, "model.feature_dim", tr("Feature dim"),
           b.addInt("model.feature_dim", [](Config& c) -> int64_t& { return c.model.feature_dim; }, 1, 8192));
  return group;
}

QWidget* ExperimentPanel::buildOptimisation() {
  auto* group = new QGroupBox(tr("Optimisation"));
  optimForm_ = newForm(group);
  auto& b = *binder_;
  b.addRow(optimForm_, "optim.batch_size", tr("Batch size"),
           b.addInt("optim.batch_size", [](Config& c) -> int64_t& { return c.optim.batch_size; }, 1, 65536));
  b.addRow(optimForm_, "optim.lr", tr("Learning rate"),
           b.addDouble("optim.lr", [](Config& c) -> double& { return c.optim.lr; }, 0.00001, 100.0, 5, 0.005));
  b.addRow(optimForm_, "optim.schedule", tr("Schedule"),
           b.addChoice("optim.schedule", [](Config& c) -> std::string& { return c.optim.schedule; },
                       {{tr("cosine (v2)"), "cosine"}, {tr("step ×0.1 (v1)"), "step"}, {tr("constant"), "constant"}}));
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
  milestonesRow_ = b.addRow(optimForm_, "optim.milestones", tr("Milestones"));
  b.addRow(optimForm_, "optim.warmup_steps", tr("Warm-up steps"),
           b.addInt("optim.warmup_steps", [](Config& c) -> int64_t& { return c.optim.warmup_steps; }, 0, kIntMax));
  b.addRow(optimForm_, "optim.weight_decay", tr("Weight decay"),
           b.addDouble("optim.weight_decay", [](Config& c) -> double& { return c.optim.weight_decay; }, 0.0, 1.0, 5, 0.0001));
  b.addRow(optimForm_, "optim.sgd_momentum", tr("SGD momentum"),
           b.addDouble("optim.sgd_momentum", [](Config& c) -> double& { return c.optim.sgd_momentum; }, 0.0, 0.999, 3, 0.05));
  return group;
}

QWidget* ExperimentPanel::buildRun() {
  auto* group = new QGroupBox(tr("Run"));
  auto* form = newForm(group);
  auto& b = *binder_;
  b.addRow(form, "run.epochs", tr("Epochs"), b.addInt("run.epochs", [](Config& c) -> int64_t& { return c.run.epochs; }, 0, 100000));
  auto* steps = b.addInt("run.total_steps", [](Config& c) -> int64_t& { return c.run.total_steps; }, 0, kIntMax);
  steps->setSpecialValueText(tr("from epochs"));
  b.addRow(form, "run.total_steps", tr("Steps"), steps);
  b.addRow(form, "run.seed", tr("Seed"),
           b.addInt(
               "run.seed", [](const Config& c) { return int64_t(c.run.seed); },
               [](Config& c, int64_t v) { c.run.seed = uint64_t(v); }, 0, kIntMax));
  const bool cuda = cuda_available();
  b.addRow(form, "run.device", tr("Device"),
           b.addChoice("run.device", [](Config& c) -> std::string& { return c.run.device; },
                       {{cuda ? tr("auto (CUDA: available)") : tr("auto (CPU: no CUDA GPU seen)"), "auto"},
                        {tr("CPU"), "cpu"},
                        {cuda ? tr("CUDA") : tr("CUDA (not available)"), "cuda"}}));
  auto* threads = b.addInt("run.threads", [](Config& c) -> int64_t& { return c.run.threads; }, 0, 1024);
  threads->setSpecialValueText(tr("all cores"));
  b.addRow(form, "run.threads", tr("CPU threads"), threads);
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
  // A preset is a method recipe: the data and the run's length, seed and device stay as chosen.
  Config next = preset_by_name(name.toStdString());
  next.data = config().data;
  next.run = config().run;
  binder_->setConfig(next);
  updateVisibility();
  emit configEdited("preset");
}

void ExperimentPanel::chooseIdxFolder() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder with IDX files"), path_->text());
  if (folder.isEmpty()) return;
  binder_->edit("data.path", [&](Config& c) {
    c.data.dataset = "idx";
    c.data.path = folder.toStdString();
  });
  binder_->setConfig(binder_->config());  // the dataset box follows
  updateVisibility();
}

void ExperimentPanel::updateVisibility() {
  const auto& c = config();
  dataForm_->setRowVisible(pathRow_, c.data.dataset == "idx");
  dataForm_->setRowVisible(perClassRow_, c.data.dataset == "synthetic");
  dataForm_->setRowVisible(sizeRow_, c.data.dataset == "synthetic");
  optimForm_->setRowVisible(milestonesRow_, c.optim.schedule == "step");
}

void ExperimentPanel::showProblems() {
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
