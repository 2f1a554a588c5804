// Small configurations and data shared by the tests: training stays at a few steps on tiny images.
#pragma once

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "api/config.h"
#include "tiny_config.h"
#include "data/synthetic_data.h"

namespace moco::test {

// A synthetic dataset of 10 classes x per_class images, side x side pixels.
inline std::shared_ptr<const ImageDataset> tiny_dataset(int64_t per_class = 16, int64_t side = 16) {
  return std::make_shared<const ImageDataset>(make_synthetic_dataset(per_class, side, 7));
}

}  // namespace moco::test
