// The augmentation part of the experiment panel: each transform of TransformConfig with its on/off
// switch, probability and strength. Everything here is live: a running session takes it at its
// next step, and the augmented-pairs view redraws at once.
#pragma once

#include <QGroupBox>

namespace moco {

class ConfigBinder;

class AugmentSection : public QGroupBox {
  Q_OBJECT
 public:
  AugmentSection(ConfigBinder* binder, QWidget* parent = nullptr);
};

}  // namespace moco
