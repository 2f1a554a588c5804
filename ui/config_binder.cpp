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

#include "field_help.h"
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

QDoubleSpinBox* ConfigBinder::addDouble(const QString& key, FieldRef<double> ref, double min, double max, int decimals,
                                        double step) {
  auto* box = new QDoubleSpinBox;
  box->setRange(min, max);
  box->setDecimals(decimals);
  box->setSingleStep(step);
  configureSpinBox(box);
  bind(key, box, [box, ref](const Config& c) { box->setValue(ref(const_cast<Config&>(c))); });
  connect(box, &QDoubleSpinBox::valueChanged, this, [this, key, ref](double v) {
    if (!loading_) edit(key, [&](Config& c) { ref(c) = v; });
  });
  return box;
}

QSpinBox* ConfigBinder::addInt(const QString& key, FieldRef<int64_t> ref, int min, int max) {
  return addInt(
      key, [ref](const Config& c) { return ref(const_cast<Config&>(c)); }, [ref](Config& c, int64_t v) { ref(c) = v; }, min,
      max);
}

QSpinBox* ConfigBinder::addInt(const QString& key, std::function<int64_t(const Config&)> get,
                               std::function<void(Config&, int64_t)> set, int min, int max) {
  auto* box = new QSpinBox;
  box->setRange(min, max);
  box->setGroupSeparatorShown(true);
  configureSpinBox(box);
  bind(key, box, [box, get](const Config& c) { box->setValue(int(get(c))); });
  connect(box, &QSpinBox::valueChanged, this, [this, key, set](int v) {
    if (!loading_) edit(key, [&](Config& c) { set(c, v); });
  });
  return box;
}

QComboBox* ConfigBinder::addChoice(const QString& key, FieldRef<std::string> ref,
                                   const QList<QPair<QString, QString>>& labelValues) {
  auto* box = new QComboBox;
  for (const auto& [label, value] : labelValues) box->addItem(label, value);
  bind(key, box, [box, ref](const Config& c) {
    const auto value = QString::fromStdString(ref(const_cast<Config&>(c)));
    int index = box->findData(value);
    if (index < 0) {  // a value from a hand-written JSON: show it so validation can flag it
      box->addItem(value, value);
      index = box->count() - 1;
    }
    box->setCurrentIndex(index);
  });
  connect(box, &QComboBox::currentIndexChanged, this, [this, key, ref, box](int index) {
    if (!loading_ && index >= 0) edit(key, [&](Config& c) { ref(c) = box->itemData(index).toString().toStdString(); });
  });
  return box;
}

QCheckBox* ConfigBinder::addBool(const QString& key, FieldRef<bool> ref, const QString& text) {
  auto* box = new QCheckBox(text);
  bind(key, box, [box, ref](const Config& c) { box->setChecked(ref(const_cast<Config&>(c))); });
  connect(box, &QCheckBox::toggled, this, [this, key, ref](bool on) {
    if (!loading_) edit(key, [&](Config& c) { ref(c) = on; });
  });
  return box;
}

void ConfigBinder::addCustom(const QString& key, QWidget* widget, std::function<void(const Config&)> load) {
  bind(key, widget, std::move(load));
}

void ConfigBinder::edit(const QString& key, const std::function<void(Config&)>& change) {
  change(config_);
  validate();
  emit edited(key);
}

QWidget* ConfigBinder::addRow(QFormLayout* form, const QString& key, const QString& label, QWidget* field) {
  return addMultiRow(form, QStringList{key}, label, field ? field : bindings_[key].widget);
}

QWidget* ConfigBinder::addMultiRow(QFormLayout* form, const QStringList& keys, const QString& label, QWidget* field) {
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
  auto* title = new QLabel(label + badge);
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
  const QString help = fieldHelp(key);
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
