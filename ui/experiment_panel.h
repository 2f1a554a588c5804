// The experiment dock: every hyperparameter of moco::Config in grouped, scrollable forms, each
// field with what it does and what the papers used, live fields marked ⚡, and moco::validate's
// issues shown at their fields. It edits a Config; the main window decides what to do with it.
#pragma once

#include <QDockWidget>

#include "api/config.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace moco {

class ConfigBinder;
class MemoryLabel;
class MomentumControl;

class ExperimentPanel : public QDockWidget {
  Q_OBJECT
 public:
  explicit ExperimentPanel(QWidget* parent = nullptr);

  const Config& config() const;
  void setConfig(const Config& config);
  bool isValid() const;
  // Every issue as "field: message" lines; empty when valid.
  QString problems() const;
  // The message shown at `key`'s field (empty when it is valid), e.g. for tests.
  QString issueAt(const QString& key) const;
  ConfigBinder* binder() const { return binder_; }
  MomentumControl* momentumControl() const { return momentum_; }
  // While a run is active the panel says which changes apply now and which at the next Start.
  void setTraining(bool training);

 signals:
  void configEdited(const QString& key);  // "preset" when a preset replaced several fields
  void recipeChanged(const QString& what);  // choosing a dataset filled in its recipe
  void configReplaced();                  // setConfig: a whole experiment was loaded
  void validityChanged(bool valid);

 private:
  QWidget* buildData();
  QWidget* buildMethod();
  QWidget* buildModel();
  QWidget* buildOptimisation();
  QWidget* buildRun();
  void applyPreset(int index);
  void chooseDataFolder();
  void applyDatasetDefaults();
  // After a dataset is chosen without a folder: the folder chooser (IDX, image folders) or the
  // Download dialog (CIFAR, STL-10 not in the data folder yet).
  void askForMissingData();
  void openDownloads(const QString& dataset);
  // The dataset box's entries, with "(not installed)" / "(download…)" where the files are missing.
  void markMissingDatasets();
  void updateVisibility();
  void showProblems();

  ConfigBinder* binder_;
  MomentumControl* momentum_ = nullptr;
  QComboBox* preset_ = nullptr;
  QComboBox* datasetBox_ = nullptr;
  QLineEdit* path_ = nullptr;
  MemoryLabel* memory_ = nullptr;
  QLabel* problems_ = nullptr;
  QLabel* trainingNote_ = nullptr;
  QFormLayout* dataForm_ = nullptr;
  QFormLayout* optimForm_ = nullptr;
  QWidget *pathRow_ = nullptr, *coarseRow_ = nullptr, *stlRow_ = nullptr, *perClassRow_ = nullptr, *sizeRow_ = nullptr, *milestonesRow_ = nullptr;
  bool wasValid_ = true;
};

}  // namespace moco
