// The workbench's persistent settings, read and written through one typed class so key names live
// in one place. QSettings' organisation and application names are set once in main().
#pragma once

#include <QByteArray>
#include <QString>

namespace moco {

class AppSettings {
 public:
  QByteArray windowGeometry() const;
  void setWindowGeometry(const QByteArray& geometry);
  QByteArray windowState() const;
  void setWindowState(const QByteArray& state);
  // The experiment last shown, as the JSON moco::to_json writes; empty when none was saved.
  QString lastExperiment() const;
  void setLastExperiment(const QString& json);
  // Folder last used by a file dialog, so the next one opens there.
  QString lastDirectory() const;
  void setLastDirectory(const QString& directory);
};

}  // namespace moco
