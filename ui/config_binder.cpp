#include "config_binder.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QFrame>
#include <QSet>
#include <QLabel>
#include <QSpinBox>
#include <QStyle>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "api/fields.h"
#include "palette.h"
#include "style.h"

namespace moco {
namespace {

constexpr int kLabelWidth = 120;  // one label column width for every group, so the fields line up

// Spin boxes keep their value while typing and step by the arrow keys; the mouse wheel only
// scrolls the panel, so scrolling the form never changes a hyperparameter by accident.
template <typename Box>
void configureSpinBox(Box* box) {
  box->setKeyboardTracking(false);
  box->setFocusPolicy(Qt::StrongFocus);
  box->setAccelerated(true);
}

// Sets the "invalid" property workbench.qss draws as a red frame (tests read it too).
void markInvalid(QWidget* widget, bool invalid) {
  if (widget->property("invalid").toBool() == invalid) return;
  widget->setProperty("invalid", invalid);
  widget->style()->unpolish(widget);
  widget->style()->polish(widget);
}

}  // namespace

ConfigBinder::ConfigBinder(QObject* parent) : QObject(parent) {}

void ConfigBinder::setConfig(const Config& config) {
  config_ = config;
  loading_ = true;
  for (auto& b : bindings_) b.load(config_);
  loading_ = false;
  validate();
}

QString ConfigBinder::issueText(const QString& key) const {
  QStringList lines;
  for (const auto& issue : issues_)
    if (QString::fromStdString(issue.field) == key) lines << QString::fromStdString(issue.message);
  return lines.join('\n');
}

ConfigBinder::Binding& ConfigBinder::bind(const QString& key, QWidget* widget, std::function<void(const Config&)> load) {
  widget->setObjectName(key);
  widget->setToolTip(tooltipFor(key));
  auto& b = bindings_[key];
  b.widget = widget;
  b.load = std::move(load);
  loading_ = true;
  b.load(config_);
  loading_ = false;
  return b;
}

namespace {

// Spin box bounds from the field's: an open end moves in by the smallest step the box shows, and
// an unbounded end stops at what the box can hold.
template <typename Box>
void setBounds(Box* box, const FieldSpec& f, double resolution, double largest) {
  const double lo = std::isfinite(f.min) ? f.min + (f.min_open ? resolution : 0.0) : -largest;
  const double hi = std::isfinite(f.max) ? f.max - (f.max_open ? resolution : 0.0) : largest;
  box->setRange(std::max(lo, -largest), std::min(hi, largest));
}

}  // namespace

QWidget* ConfigBinder::addField(const QString& key, const QString& checkText) {
  const std::string name = key.toStdString();
  const FieldSpec& f = field_spec(name);
  switch (f.kind) {
    case FieldKind::Bool: {
      auto* box = new QCheckBox(checkText);
      bind(key, box, [box, name](const Config& c) { box->setChecked(field_number(c, name) != 0.0); });
      connect(box, &QCheckBox::toggled, this, [this, key, name](bool on) {
        if (!loading_) edit(key, [&](Config& c) { set_field_number(c, name, on ? 1.0 : 0.0); });
      });
      return box;
    }
    case FieldKind::Int: {
      auto* box = new QSpinBox;
      setBounds(box, f, 1.0, double(std::numeric_limits<int>::max()));
      box->setGroupSeparatorShown(true);
      configureSpinBox(box);
      bind(key, box, [box, name](const Config& c) { box->setValue(int(field_number(c, name))); });
      connect(box, &QSpinBox::valueChanged, this, [this, key, name](int v) {
        if (!loading_) edit(key, [&](Config& c) { set_field_number(c, name, v); });
      });
      return box;
    }
    case FieldKind::Real: {
      auto* box = new QDoubleSpinBox;
      box->setDecimals(f.decimals);
      setBounds(box, f, std::pow(10.0, -f.decimals), 1e9);
      box->setSingleStep(f.step);
      configureSpinBox(box);
      bind(key, box, [box, name](const Config& c) { box->setValue(field_number(c, name)); });
      connect(box, &QDoubleSpinBox::valueChanged, this, [this, key, name](double v) {
        if (!loading_) edit(key, [&](Config& c) { set_field_number(c, name, v); });
      });
      return box;
    }
    case FieldKind::Choice: {
      auto* box = new QComboBox;
      for (size_t i = 0; i < f.choices.size(); ++i)
        box->addItem(QString::fromStdString(i < f.choice_labels.size() ? f.choice_labels[i] : f.choices[i]),
                     QString::fromStdString(f.choices[i]));
      bind(key, box, [box, name](const Config& c) { box->setCurrentIndex(box->findData(QString::fromStdString(field_text(c, name)))); });
      connect(box, &QComboBox::currentIndexChanged, this, [this, key, name, box](int index) {
        if (!loading_ && index >= 0) edit(key, [&](Config& c) { set_field_text(c, name, box->itemData(index).toString().toStdString()); });
      });
      return box;
    }
    case FieldKind::Text:
    case FieldKind::RealList: break;
  }
  throw std::invalid_argument(name + " has no standard widget: bind it with addCustom");
}

QSpinBox* ConfigBinder::addInt(const QString& key) { return qobject_cast<QSpinBox*>(addField(key)); }

QComboBox* ConfigBinder::addChoice(const QString& key) { return qobject_cast<QComboBox*>(addField(key)); }

void ConfigBinder::addCustom(const QString& key, QWidget* widget, std::function<void(const Config&)> load) {
  bind(key, widget, std::move(load));
}

void ConfigBinder::edit(const QString& key, const std::function<void(Config&)>& change) {
  change(config_);
  validate();
  emit edited(key);
}

QWidget* ConfigBinder::addRow(QFormLayout* form, const QString& key, QWidget* field) {
  return addMultiRow(form, QStringList{key}, field ? field : bindings_[key].widget);
}

QWidget* ConfigBinder::addMultiRow(QFormLayout* form, const QStringList& keys, QWidget* field, const QString& label) {
  auto* cell = new QWidget;
  auto* layout = new QVBoxLayout(cell);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  // A frame around the field(s) rather than a border on the widgets themselves: styling a spin
  // box's border would replace its native arrows.
  auto* frame = new QFrame;
  frame->setObjectName("fieldFrame");
  auto* framed = new QVBoxLayout(frame);
  framed->setContentsMargins(2, 2, 2, 2);
  framed->addWidget(field);
  layout->addWidget(frame);
  for (const auto& key : keys) {
    auto& b = bindings_[key];
    b.frame = frame;
    b.message = new QLabel;
    b.message->setObjectName(key + ".message");
    b.message->setWordWrap(true);
    b.message->setProperty("role", "fieldMessage");
    b.message->hide();
    layout->addWidget(b.message);
  }
  const QString& key = keys.front();
  const QString badge = is_live_field(key.toStdString()) ? QStringLiteral(" ") + style::liveBadge() : QString();
  const QString text = label.isEmpty() ? QString::fromStdString(field_spec(key.toStdString()).label) : label;
  auto* title = new QLabel(text + badge);
  title->setMinimumWidth(kLabelWidth);
  title->setToolTip(tooltipFor(key));
  title->setBuddy(bindings_[key].widget);
  form->addRow(title, cell);
  showIssues();
  return cell;
}

QWidget* ConfigBinder::widget(const QString& key) const {
  const auto it = bindings_.find(key);
  return it == bindings_.end() ? nullptr : it->widget;
}

QString ConfigBinder::tooltipFor(const QString& key) const {
  const QString when = is_live_field(key.toStdString()) ? tr("⚡ Live: a running session takes it at its next step.")
                                        : tr("Applies at the next Start.");
  const QString help = QString::fromStdString(field_spec(key.toStdString()).help);
  return QStringLiteral("<p><b>%1</b></p><p>%2</p><p><i>%3</i></p>").arg(key, help.toHtmlEscaped(), when);
}

void ConfigBinder::validate() {
  issues_ = moco::validate(config_);
  showIssues();
  emit issuesChanged();
}

void ConfigBinder::showIssues() {
  QSet<QWidget*> invalidFrames;
  for (auto it = bindings_.begin(); it != bindings_.end(); ++it)
    if (it->frame && !issueText(it.key()).isEmpty()) invalidFrames.insert(it->frame);
  for (auto it = bindings_.begin(); it != bindings_.end(); ++it) {
    const QString text = issueText(it.key());
    if (it->frame) markInvalid(it->frame, invalidFrames.contains(it->frame));
    if (it->widget) {
      markInvalid(it->widget, !text.isEmpty());
      it->widget->setToolTip(text.isEmpty() ? tooltipFor(it.key())
                                            : QStringLiteral("<p style='color:%1'>⚠ %2</p>").arg(palette::hex(palette::red()), text.toHtmlEscaped()) +
                                                  tooltipFor(it.key()));
    }
    if (it->message) {
      it->message->setText(QStringLiteral("⚠ ") + text);
      it->message->setVisible(!text.isEmpty());
    }
  }
}

}  // namespace moco
