#include "app_settings.h"

#include <QSettings>

namespace moco {
namespace {
constexpr const char* kGeometryKey = "window/geometry";
constexpr const char* kStateKey = "window/state";
constexpr const char* kExperimentKey = "experiment/last";
constexpr const char* kDirectoryKey = "files/lastDirectory";
}  // namespace

QByteArray AppSettings::windowGeometry() const { return QSettings().value(kGeometryKey).toByteArray(); }
void AppSettings::setWindowGeometry(const QByteArray& geometry) { QSettings().setValue(kGeometryKey, geometry); }
QByteArray AppSettings::windowState() const { return QSettings().value(kStateKey).toByteArray(); }
void AppSettings::setWindowState(const QByteArray& state) { QSettings().setValue(kStateKey, state); }
QString AppSettings::lastExperiment() const { return QSettings().value(kExperimentKey).toString(); }
void AppSettings::setLastExperiment(const QString& json) { QSettings().setValue(kExperimentKey, json); }
QString AppSettings::lastDirectory() const { return QSettings().value(kDirectoryKey).toString(); }
void AppSettings::setLastDirectory(const QString& directory) { QSettings().setValue(kDirectoryKey, directory); }

}  // namespace moco
