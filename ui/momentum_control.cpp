#include "momentum_control.h"

#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <algorithm>
#include <cmath>

namespace moco {
namespace {
constexpr double kNines = 4.0;     // the slider ends at m = 0.9999, the paper's largest momentum
constexpr int kTicksPerNine = 100;  // slider resolution: 0.01 of a decade of (1 - m)
}  // namespace

double MomentumControl::toSlider(double m) {
  if (!(m > 0.0)) return 0.0;
  if (m >= 1.0) return kNines;
  return std::clamp(-std::log10(1.0 - m), 0.0, kNines);
}

double MomentumControl::fromSlider(double position) { return 1.0 - std::pow(10.0, -position); }

MomentumControl::MomentumControl(QWidget* parent) : QWidget(parent), slider_(new QSlider(Qt::Horizontal)), spin_(new QDoubleSpinBox) {
  slider_->setRange(0, int(kNines * kTicksPerNine));
  slider_->setTickPosition(QSlider::TicksBelow);
  slider_->setTickInterval(kTicksPerNine);
  slider_->setPageStep(kTicksPerNine / 2);
  slider_->setObjectName("moco.momentum.slider");
  spin_->setRange(0.0, 1.0);
  spin_->setDecimals(5);
  spin_->setSingleStep(0.001);
  spin_->setKeyboardTracking(false);
  spin_->setObjectName("moco.momentum.spin");
  spin_->setMinimumWidth(80);

  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->setHorizontalSpacing(6);
  grid->setVerticalSpacing(0);
  grid->addWidget(slider_, 0, 0, 1, 5);
  grid->addWidget(spin_, 0, 5);
  const char* marks[] = {"0", "0.9", "0.99", "0.999", "0.9999"};
  for (int i = 0; i < 5; ++i) {
    auto* mark = new QLabel(marks[i]);
    mark->setProperty("role", "scaleMark");
    mark->setAlignment(i == 0 ? Qt::AlignLeft : i == 4 ? Qt::AlignRight : Qt::AlignHCenter);
    grid->addWidget(mark, 1, i);
  }

  connect(slider_, &QSlider::valueChanged, this, [this](int position) {
    const double m = fromSlider(double(position) / kTicksPerNine);
    QSignalBlocker block(spin_);
    spin_->setValue(m);
    emit valueEdited(spin_->value());
  });
  connect(spin_, &QDoubleSpinBox::valueChanged, this, [this](double m) {
    QSignalBlocker block(slider_);
    slider_->setValue(int(std::lround(toSlider(m) * kTicksPerNine)));
    emit valueEdited(m);
  });
}

double MomentumControl::value() const { return spin_->value(); }

void MomentumControl::setValue(double m) {
  QSignalBlocker blockSpin(spin_);
  QSignalBlocker blockSlider(slider_);
  spin_->setValue(m);
  slider_->setValue(int(std::lround(toSlider(m) * kTicksPerNine)));
}

}  // namespace moco
