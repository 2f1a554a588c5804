// Binds form widgets to fields of a moco::Config by their dotted JSON names ("moco.momentum"):
// each edit writes the field, re-runs moco::validate and marks every ConfigIssue at its widget
// (red border, tooltip, message line). The experiment panel builds its form with it.
#pragma once

#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <functional>
#include <string>
#include <vector>

#include "api/config.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QSpinBox;
class QWidget;

namespace moco {

template <typename T>
using FieldRef = std::function<T&(Config&)>;

class ConfigBinder : public QObject {
  Q_OBJECT
 public:
  explicit ConfigBinder(QObject* parent = nullptr);

  const Config& config() const { return config_; }
  // Shows `config` in every widget and validates it (emits issuesChanged, not edited).
  void setConfig(const Config& config);
  const std::vector<ConfigIssue>& issues() const { return issues_; }
  // The issue messages of `key`, one per line; empty when it is valid.
  QString issueText(const QString& key) const;

  // Widgets bound to one field each; their objectName is the key.
  QDoubleSpinBox* addDouble(const QString& key, FieldRef<double> ref, double min, double max, int decimals, double step);
  QSpinBox* addInt(const QString& key, FieldRef<int64_t> ref, int min, int max);
  QSpinBox* addInt(const QString& key, std::function<int64_t(const Config&)> get, std::function<void(Config&, int64_t)> set,
                   int min, int max);
  QComboBox* addChoice(const QString& key, FieldRef<std::string> ref, const QList<QPair<QString, QString>>& labelValues);
  QCheckBox* addBool(const QString& key, FieldRef<bool> ref, const QString& text = {});
  // Any other widget: `load` shows the config in it; it reports edits through edit().
  void addCustom(const QString& key, QWidget* widget, std::function<void(const Config&)> load);
  // Changes the config on behalf of `key`'s widget, validates and emits edited(key).
  void edit(const QString& key, const std::function<void(Config&)>& change);

  // Adds `key`'s widget to `form` under `label`, with its help tooltip, the live badge (or "applies
  // at the next Start") and a red message line that validation fills. `field` defaults to the widget
  // bound to `key` (pass a container holding it to add buttons beside it). Returns the row's field
  // cell (for QFormLayout::setRowVisible).
  QWidget* addRow(QFormLayout* form, const QString& key, const QString& label, QWidget* field = nullptr);
  // One row for several fields shown side by side in `field`: each key gets its own message line.
  QWidget* addMultiRow(QFormLayout* form, const QStringList& keys, const QString& label, QWidget* field);
  QWidget* widget(const QString& key) const;

 signals:
  void edited(const QString& key);  // a user change; config() already holds it
  void issuesChanged();

 private:
  struct Binding {
    QWidget* widget = nullptr;
    QWidget* frame = nullptr;   // the row's frame that turns red (set by addRow)
    QLabel* message = nullptr;  // the red line under the field (set by addRow)
    std::function<void(const Config&)> load;
  };
  Binding& bind(const QString& key, QWidget* widget, std::function<void(const Config&)> load);
  void validate();
  void showIssues();
  QString tooltipFor(const QString& key) const;

  Config config_;
  std::vector<ConfigIssue> issues_;
  QMap<QString, Binding> bindings_;
  bool loading_ = false;  // true while setConfig fills widgets: their signals are not edits
};

}  // namespace moco
