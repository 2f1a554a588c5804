#include "app_settings.h"

#include <QDateTime>
#include <QDir>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>

namespace moco {
namespace {
constexpr const char* kGeometryKey = "window/geometry";
constexpr const char* kStateKey = "window/state";
constexpr const char* kExperimentKey = "experiment/last";
constexpr const char* kDirectoryKey = "files/lastDirectory";
constexpr const char* kRunsKey = "files/runsFolder";
}  // namespace

QByteArray AppSettings::windowGeometry() const { return QSettings().value(kGeometryKey).toByteArray(); }
void AppSettings::setWindowGeometry(const QByteArray& geometry) { QSettings().setValue(kGeometryKey, geometry); }
QByteArray AppSettings::windowState() const { return QSettings().value(kStateKey).toByteArray(); }
void AppSettings::setWindowState(const QByteArray& state) { QSettings().setValue(kStateKey, state); }
QString AppSettings::lastExperiment() const { return QSettings().value(kExperimentKey).toString(); }
void AppSettings::setLastExperiment(const QString& json) { QSettings().setValue(kExperimentKey, json); }
QString AppSettings::lastDirectory() const { return QSettings().value(kDirectoryKey).toString(); }
void AppSettings::setLastDirectory(const QString& directory) { QSettings().setValue(kDirectoryKey, directory); }

QString AppSettings::runsFolder() const {
  const QString fallback = QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath("runs");
  return QSettings().value(kRunsKey, fallback).toString();
}
void AppSettings::setRunsFolder(const QString& folder) { QSettings().setValue(kRunsKey, folder); }

QString AppSettings::newRunFolder(const QString& runName) const {
  QString slug = runName.toLower();
  slug.replace(QRegularExpression("[^a-z0-9]+"), "-");
  const QDir runs(runsFolder());
  const QString base = QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss") + "-" + slug;
  QString name = base;
  for (int n = 2; runs.exists(name); ++n) name = base + "-" + QString::number(n);
  return runs.filePath(name);
}

QString AppSettings::lessonFolder(const QString& lessonName) const {
  return QDir::cleanPath(QDir(runsFolder()).filePath(QStringLiteral("../lessons/") + lessonName));
}

}  // namespace moco
