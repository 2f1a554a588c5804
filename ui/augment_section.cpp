#include "augment_section.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>

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
QWidget* probabilityToggle(ConfigBinder* binder, const QString& key, FieldRef<double> ref) {
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
  binder->addCustom(key, box, [on, p, ref](const Config& c) {
    const double value = ref(const_cast<Config&>(c));
    QSignalBlocker blockOn(on), blockP(p);
    on->setChecked(value > 0.0);
    if (value > 0.0 || p->value() == 0.0) p->setValue(value > 0.0 ? value : kDefaultProbability);
    p->setEnabled(value > 0.0);
  });
  QObject::connect(on, &QCheckBox::toggled, binder, [binder, key, ref, p](bool checked) {
    p->setEnabled(checked);
    binder->edit(key, [&](Config& c) { ref(c) = checked ? p->value() : 0.0; });
  });
  QObject::connect(p, &QDoubleSpinBox::valueChanged, binder, [binder, key, ref, on](double value) {
    if (on->isChecked()) binder->edit(key, [&](Config& c) { ref(c) = value; });
  });
  return box;
}

}  // namespace

AugmentSection::AugmentSection(ConfigBinder* b, QWidget* parent) : QGroupBox(tr("Augmentation"), parent) {
  auto* form = new QFormLayout(this);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

  auto* crop = b->addBool("augment.crop", [](Config& c) -> bool& { return c.augment.crop; }, tr("on"));
  b->addRow(form, "augment.crop", tr("Random crop"), crop);
  auto* scaleMin = b->addDouble("augment.crop_scale_min", [](Config& c) -> double& { return c.augment.crop_scale_min; }, 0.01, 1.0, 2, 0.05);
  auto* scaleMax = b->addDouble("augment.crop_scale_max", [](Config& c) -> double& { return c.augment.crop_scale_max; }, 0.01, 1.0, 2, 0.05);
  b->addMultiRow(form, {"augment.crop_scale_min", "augment.crop_scale_max"}, tr("Crop area"), pair(scaleMin, "–", scaleMax));
  auto* ratioMin = b->addDouble("augment.crop_ratio_min", [](Config& c) -> double& { return c.augment.crop_ratio_min; }, 0.1, 10.0, 2, 0.05);
  auto* ratioMax = b->addDouble("augment.crop_ratio_max", [](Config& c) -> double& { return c.augment.crop_ratio_max; }, 0.1, 10.0, 2, 0.05);
  b->addMultiRow(form, {"augment.crop_ratio_min", "augment.crop_ratio_max"}, tr("Aspect ratio"), pair(ratioMin, "–", ratioMax));

  b->addRow(form, "augment.flip_p", tr("Horizontal flip"),
            probabilityToggle(b, "augment.flip_p", [](Config& c) -> double& { return c.augment.flip_p; }));

  b->addRow(form, "augment.jitter_p", tr("Colour jitter"),
            probabilityToggle(b, "augment.jitter_p", [](Config& c) -> double& { return c.augment.jitter_p; }));
  auto* brightness = b->addDouble("augment.brightness", [](Config& c) -> double& { return c.augment.brightness; }, 0.0, 0.99, 2, 0.05);
  auto* contrast = b->addDouble("augment.contrast", [](Config& c) -> double& { return c.augment.contrast; }, 0.0, 0.99, 2, 0.05);
  b->addMultiRow(form, {"augment.brightness", "augment.contrast"}, tr("Brightness, contrast"),
            labelled({{tr("B"), brightness}, {tr("C"), contrast}}));
  auto* saturation = b->addDouble("augment.saturation", [](Config& c) -> double& { return c.augment.saturation; }, 0.0, 0.99, 2, 0.05);
  auto* hue = b->addDouble("augment.hue", [](Config& c) -> double& { return c.augment.hue; }, 0.0, 0.5, 2, 0.05);
  b->addMultiRow(form, {"augment.saturation", "augment.hue"}, tr("Saturation, hue"), labelled({{tr("S"), saturation}, {tr("H"), hue}}));

  b->addRow(form, "augment.grayscale_p", tr("Grayscale"),
            probabilityToggle(b, "augment.grayscale_p", [](Config& c) -> double& { return c.augment.grayscale_p; }));

  b->addRow(form, "augment.blur_p", tr("Gaussian blur"),
            probabilityToggle(b, "augment.blur_p", [](Config& c) -> double& { return c.augment.blur_p; }));
  auto* sigmaMin = b->addDouble("augment.blur_sigma_min", [](Config& c) -> double& { return c.augment.blur_sigma_min; }, 0.01, 10.0, 2, 0.1);
  auto* sigmaMax = b->addDouble("augment.blur_sigma_max", [](Config& c) -> double& { return c.augment.blur_sigma_max; }, 0.01, 10.0, 2, 0.1);
  b->addMultiRow(form, {"augment.blur_sigma_min", "augment.blur_sigma_max"}, tr("Blur σ (px)"), pair(sigmaMin, "–", sigmaMax));

  auto* output = b->addInt("augment.output_size", [](Config& c) -> int64_t& { return c.augment.output_size; }, 0, 512);
  output->setSpecialValueText(tr("input size"));
  output->setSuffix(tr(" px"));
  b->addRow(form, "augment.output_size", tr("Output size"), output);
  b->addRow(form, "augment.normalize", tr("Normalise"),
            b->addBool("augment.normalize", [](Config& c) -> bool& { return c.augment.normalize; }, tr("per-channel mean/std")));
}

}  // namespace moco
