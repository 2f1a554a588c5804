// Binds form widgets to fields of a moco::Config by their dotted JSON names ("moco.momentum"):
// each edit writes the field, re-runs moco::validate and marks every ConfigIssue at its widget
// (red border, tooltip, message line). Widgets, ranges, choices, labels, tooltips and the live
// badge come from core's field table (api/fields.h). The experiment panel builds its form with it.
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

  // The widget the field table gives `key` (objectName = the key): a check box for a Bool, a spin
  // box with the field's bounds for Int and Real, a combo box of its choices for a Choice.
  // `checkText` labels a check box.
  QWidget* addField(const QString& key, const QString& checkText = {});
  // addField for the widgets a caller adjusts further (special value text, item labels).
  QSpinBox* addInt(const QString& key);
  QComboBox* addChoice(const QString& key);
  // Any other widget: `load` shows the config in it; it reports edits through edit().
  void addCustom(const QString& key, QWidget* widget, std::function<void(const Config&)> load);
  // Changes the config on behalf of `key`'s widget, validates and emits edited(key).
  void edit(const QString& key, const std::function<void(Config&)>& change);

  // Adds `key`'s widget to `form` under the field's label, with its help tooltip, the live badge
  // (or "applies at the next Start") and a red message line that validation fills. `field`
  // defaults to the widget bound to `key` (pass a container holding it to add buttons beside it).
  // Returns the row's field cell (for QFormLayout::setRowVisible).
  QWidget* addRow(QFormLayout* form, const QString& key, QWidget* field = nullptr);
  // One row for several fields shown side by side in `field`, under the first field's label (or
  // `label`): each key gets its own message line.
  QWidget* addMultiRow(QFormLayout* form, const QStringList& keys, QWidget* field, const QString& label = {});
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
