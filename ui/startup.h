// Which experiment the window opens on: a JSON file named on the command line, else the one shown
// last time (QSettings), else MoCo v2 (on Fashion-MNIST where installed).
#pragma once

#include <QString>
#include <utility>

#include "api/config.h"

namespace moco {

// The config, and a message when a file or the remembered experiment could not be read.
std::pair<Config, QString> initialExperiment(const QString& file, const QString& rememberedJson);

}  // namespace moco
