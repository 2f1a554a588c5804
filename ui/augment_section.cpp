#include "augment_section.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>

#include "api/fields.h"
#include "config_binder.h"

namespace moco {
namespace {

constexpr double kDefaultProbability = 0.5;  // what a switched-on transform starts from when its p was 0

QWidget* pair(QWidget* a, const QString& between, QWidget* b) {
  auto* box = new QWidget;
  auto* row = new QHBoxLayout(box);
  row->setContentsMargins(0, 0, 0, 0);
  row->setSpacing(4);
  row->addWidget(a, 1);
  row->addWidget(new QLabel(between));
  row->addWidget(b, 1);
  return box;
}

QWidget* labelled(const QList<QPair<QString, QWidget*>>& parts) {
  auto* box = new QWidget;
  auto* row = new QHBoxLayout(box);
  row->setContentsMargins(0, 0, 0, 0);
  row->setSpacing(4);
  for (const auto& [text, widget] : parts) {
    row->addWidget(new QLabel(text));
    row->addWidget(widget, 1);
  }
  return box;
}

// A transform applied with probability p: a switch (p > 0) and the probability. Switching off
// stores p = 0 but keeps the box's value, so switching on again restores it.
QWidget* probabilityToggle(ConfigBinder* binder, const QString& key) {
  const std::string name = key.toStdString();
  auto* box = new QWidget;
  auto* row = new QHBoxLayout(box);
  row->setContentsMargins(0, 0, 0, 0);
  auto* on = new QCheckBox(QObject::tr("on"));
  on->setObjectName(key + ".on");
  auto* p = new QDoubleSpinBox;
  p->setObjectName(key + ".p");
  p->setRange(0.0, 1.0);
  p->setDecimals(2);
  p->setSingleStep(0.05);
  p->setPrefix(QObject::tr("p = "));
  p->setKeyboardTracking(false);
  row->addWidget(on);
  row->addWidget(p, 1);
  binder->addCustom(key, box, [on, p, name](const Config& c) {
    const double value = field_number(c, name);
    QSignalBlocker blockOn(on), blockP(p);
    on->setChecked(value > 0.0);
    if (value > 0.0 || p->value() == 0.0) p->setValue(value > 0.0 ? value : kDefaultProbability);
    p->setEnabled(value > 0.0);
  });
  QObject::connect(on, &QCheckBox::toggled, binder, [binder, key, name, p](bool checked) {
    p->setEnabled(checked);
    binder->edit(key, [&](Config& c) { set_field_number(c, name, checked ? p->value() : 0.0); });
  });
  QObject::connect(p, &QDoubleSpinBox::valueChanged, binder, [binder, key, name, on](double value) {
    if (on->isChecked()) binder->edit(key, [&](Config& c) { set_field_number(c, name, value); });
  });
  return box;
}

}  // namespace

AugmentSection::AugmentSection(ConfigBinder* b, QWidget* parent) : QGroupBox(tr("Augmentation"), parent) {
  auto* form = new QFormLayout(this);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  auto range = [&](const char* min, const char* max) {
    b->addMultiRow(form, {min, max}, pair(b->addField(min), "–", b->addField(max)));
  };
  auto toggle = [&](const char* key) { b->addRow(form, key, probabilityToggle(b, key)); };

  b->addField("augment.crop", tr("on"));
  b->addRow(form, "augment.crop");
  range("augment.crop_scale_min", "augment.crop_scale_max");
  range("augment.crop_ratio_min", "augment.crop_ratio_max");
  toggle("augment.flip_p");
  toggle("augment.jitter_p");
  b->addMultiRow(form, {"augment.brightness", "augment.contrast"},
                 labelled({{tr("B"), b->addField("augment.brightness")}, {tr("C"), b->addField("augment.contrast")}}),
                 tr("Brightness, contrast"));
  b->addMultiRow(form, {"augment.saturation", "augment.hue"},
                 labelled({{tr("S"), b->addField("augment.saturation")}, {tr("H"), b->addField("augment.hue")}}),
                 tr("Saturation, hue"));
  toggle("augment.grayscale_p");
  toggle("augment.blur_p");
  range("augment.blur_sigma_min", "augment.blur_sigma_max");
  auto* output = b->addInt("augment.output_size");
  output->setSpecialValueText(tr("input size"));
  output->setSuffix(tr(" px"));
  b->addRow(form, "augment.output_size");
  b->addField("augment.normalize", tr("per-channel mean/std"));
  b->addRow(form, "augment.normalize");
}

}  // namespace moco
