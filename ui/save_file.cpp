#include "save_file.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryFile>
#include <stdexcept>

#include "api/files.h"

namespace moco {

bool saveBytes(const QString& path, const QByteArray& bytes, QString* error) {
  try {
    write_file(QDir::toNativeSeparators(path).toStdString(), std::string_view(bytes.constData(), size_t(bytes.size())));
    return true;
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
}

bool saveImage(const QImage& image, const QString& path, const char* format, QString* error) {
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  if (image.isNull() || !image.save(&buffer, format)) {
    if (error) *error = QStringLiteral("cannot write '%1': the image could not be encoded as %2").arg(path, format);
    return false;
  }
  return saveBytes(path, bytes, error);
}

bool saveThroughTemporaryFile(const QString& path, const std::function<bool(const QString&)>& write, QString* error) {
  QTemporaryFile file(QDir(QDir::tempPath()).filePath(QStringLiteral("moco-workbench-XXXXXX")));
  if (!file.open()) {
    if (error) *error = QStringLiteral("cannot write '%1': no temporary file in '%2'").arg(path, QDir::tempPath());
    return false;
  }
  file.close();  // the writer reopens it by name; QTemporaryFile removes it when done
  QFile rendered(file.fileName());
  if (!write(file.fileName()) || !rendered.open(QIODevice::ReadOnly)) {
    if (error) *error = QStringLiteral("cannot write '%1': the document could not be rendered").arg(path);
    return false;
  }
  return saveBytes(path, rendered.readAll(), error);
}

}  // namespace moco
