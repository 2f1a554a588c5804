// The GUI's saves (plot exports, screenshots) through core's one atomic writer (api/files.h): Qt
// renders into memory, the writer puts the bytes in place whole or not at all, and a failure comes
// back as a message naming the path instead of a half-written file or a silent false.
#pragma once

#include <QByteArray>
#include <QString>
#include <functional>

class QImage;

namespace moco {

// Writes `bytes` to `path`; false with `error` (naming the path and the cause) when it cannot.
bool saveBytes(const QString& path, const QByteArray& bytes, QString* error);
// `image` encoded as `format` ("PNG", "JPG" …) and saved as saveBytes does.
bool saveImage(const QImage& image, const QString& path, const char* format, QString* error);
// For writers that only take a file name (QCustomPlot's savePdf): `write` writes a file of the
// system's temporary folder and says whether it succeeded; its bytes are then saved to `path` as
// saveBytes does, and the temporary file is removed.
bool saveThroughTemporaryFile(const QString& path, const std::function<bool(const QString& temporary)>& write, QString* error);

}  // namespace moco
