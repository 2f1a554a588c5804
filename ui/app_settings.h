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
  // Where the workbench records its runs (default: the user's data folder, e.g.
  // ~/.local/share/MoCo Workbench/moco-workbench/runs).
  QString runsFolder() const;
  void setRunsFolder(const QString& folder);
  // A new, unused folder for a run called `runName` inside runsFolder() (not created yet).
  QString newRunFolder(const QString& runName) const;
  // Where a lesson records its sweep by default: lessons/<name> beside runsFolder() (rerunning a
  // lesson into it resumes what is unfinished).
  QString lessonFolder(const QString& lessonName) const;
};

}  // namespace moco
