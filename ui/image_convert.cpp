#include "image_convert.h"

namespace moco {

QImage toQImage(const ImageU8& image) {
  if (image.width <= 0 || image.height <= 0 || image.pixels.empty()) return {};
  const auto format = image.channels == 3 ? QImage::Format_RGB888 : QImage::Format_Grayscale8;
  const int stride = int(image.width * image.channels);
  return QImage(image.pixels.data(), int(image.width), int(image.height), stride, format).copy();
}

QPixmap toPixmap(const ImageU8& image, int side) {
  const QImage q = toQImage(image);
  if (q.isNull()) return {};
  return QPixmap::fromImage(q.scaled(side, side, Qt::KeepAspectRatio, Qt::FastTransformation));
}

}  // namespace moco
