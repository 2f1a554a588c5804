#include "startup.h"

#include <QCoreApplication>
#include <exception>

namespace moco {

std::pair<Config, QString> initialExperiment(const QString& file, const QString& rememberedJson) {
  if (!file.isEmpty()) {
    try {
      return {load_config_file(file.toStdString()), {}};
    } catch (const std::exception& e) {
      return {preset_fashion_mnist_demo(), QCoreApplication::translate("Startup", "Cannot open '%1': %2. Showing the default experiment instead.")
                               .arg(file, QString::fromUtf8(e.what()))};
    }
  }
  if (!rememberedJson.isEmpty()) {
    try {
      return {config_from_json(rememberedJson.toStdString()), {}};
    } catch (const std::exception& e) {
      return {preset_fashion_mnist_demo(), QCoreApplication::translate("Startup", "The experiment remembered from last time is unreadable (%1). "
                                                                  "Showing the default experiment instead.")
                               .arg(QString::fromUtf8(e.what()))};
    }
  }
  return {preset_fashion_mnist_demo(), {}};
}

}  // namespace moco
