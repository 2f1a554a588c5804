// One colour palette for the whole window: matplotlib's tab10, which people know from the papers'
// figures and which stays distinguishable for the common colour-vision deficiencies, plus the
// greys around it and the tints of the message boxes. Every colour of the GUI is defined here once:
// widgets, plots and rich text call these functions, and resources/style/workbench.qss names them
// (@red, @errorTint, …) through style.cpp. No widget carries a colour literal of its own.
#pragma once

#include <QColor>
#include <QString>

namespace moco::palette {

inline QColor tab10(int index) {
  static const QColor colours[] = {
      QColor(31, 119, 180),  QColor(255, 127, 14), QColor(44, 160, 44),  QColor(214, 39, 40),
      QColor(148, 103, 189), QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127),
      QColor(188, 189, 34),  QColor(23, 190, 207)};
  const int n = int(sizeof(colours) / sizeof(colours[0]));
  return colours[((index % n) + n) % n];
}

inline QColor blue() { return tab10(0); }
inline QColor orange() { return tab10(1); }
inline QColor green() { return tab10(2); }
inline QColor red() { return tab10(3); }
inline QColor purple() { return tab10(4); }
inline QColor grey() { return tab10(7); }

// Same hue, more transparent: raw curves under their smoothed line, shaded bands.
inline QColor faded(QColor colour, int alpha) {
  colour.setAlpha(alpha);
  return colour;
}

// Towards white (amount 0 = white, 1 = the colour): backgrounds and borders of message boxes.
inline QColor tint(const QColor& colour, double amount) {
  const auto mix = [amount](int c) { return int(255 - (255 - c) * amount + 0.5); };
  return QColor(mix(colour.red()), mix(colour.green()), mix(colour.blue()));
}

// Towards black (amount 1 = the colour): text on a tint of the same hue, readable (contrast > 7:1).
inline QColor shade(const QColor& colour, double amount) {
  return QColor(int(colour.red() * amount + 0.5), int(colour.green() * amount + 0.5), int(colour.blue() * amount + 0.5));
}

// Neutrals: text, lines and surfaces around the data colours.
inline QColor paper() { return QColor(255, 255, 255); }     // cards, legends, the query's frame
inline QColor well() { return QColor(32, 32, 32); }         // behind dataset images, whose edges are mostly black
inline QColor ink() { return QColor(60, 60, 60); }          // axis labels, image captions
inline QColor muted() { return QColor(102, 102, 102); }     // status lines, scale marks, empty-plot notes
inline QColor rule() { return QColor(150, 150, 150); }      // axes and ticks
inline QColor hairline() { return QColor(205, 205, 205); }  // sub-ticks, card and legend borders
inline QColor gridLine() { return QColor(228, 228, 228); }  // plot grid: visible, never louder than data

// Message boxes (banner, problems, notes): a light tint of the level's hue, a stronger tint for the
// border, and a dark shade for the text.
inline QColor errorTint() { return tint(red(), 0.1); }
inline QColor errorBorder() { return tint(red(), 0.3); }
inline QColor errorText() { return shade(red(), 0.62); }
inline QColor warningTint() { return tint(orange(), 0.1); }
inline QColor warningBorder() { return tint(orange(), 0.35); }
inline QColor warningText() { return shade(orange(), 0.48); }
inline QColor infoTint() { return tint(blue(), 0.1); }
inline QColor infoBorder() { return tint(blue(), 0.3); }
inline QColor infoText() { return shade(blue(), 0.6); }

// "#rrggbb" for rich text: <span style='color:%1'>, where no style sheet reaches.
inline QString hex(const QColor& colour) { return colour.name(QColor::HexRgb); }

}  // namespace moco::palette
