// core's plain 8-bit images (analysis.h ImageU8) as QImage / QPixmap for display.
#pragma once

#include <QImage>
#include <QPixmap>

#include "api/analysis.h"

namespace moco {

// A deep copy (grey or RGB); a null QImage for an empty image.
QImage toQImage(const ImageU8& image);
// Scaled to `side` pixels on its longer edge without smoothing: small images stay crisp pixels.
QPixmap toPixmap(const ImageU8& image, int side);

}  // namespace moco
