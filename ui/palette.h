// One colour palette for the whole window: matplotlib's tab10, which people know from the papers'
// figures and which stays distinguishable for the common colour-vision deficiencies.
#pragma once

#include <QColor>

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

}  // namespace moco::palette
