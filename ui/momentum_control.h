// MoCo's momentum m on a log scale: the interesting values crowd next to 1 (0.9, 0.99, 0.999,
// 0.9999), so the slider moves along -log10(1 - m) while a spin box shows m itself. 0 is the
// slider's left end (the paper's failing case); 1 (a frozen key encoder) is reachable in the box.
#pragma once

#include <QWidget>

class QDoubleSpinBox;
class QSlider;

namespace moco {

class MomentumControl : public QWidget {
  Q_OBJECT
 public:
  explicit MomentumControl(QWidget* parent = nullptr);
  double value() const;
  // Shows `m` without emitting valueEdited.
  void setValue(double m);
  QDoubleSpinBox* spinBox() const { return spin_; }
  QSlider* slider() const { return slider_; }

  // -log10(1 - m), capped at the slider's end; and back.
  static double toSlider(double m);
  static double fromSlider(double position);

 signals:
  void valueEdited(double m);  // by the user, through the slider or the box

 private:
  QSlider* slider_;
  QDoubleSpinBox* spin_;
};

}  // namespace moco
