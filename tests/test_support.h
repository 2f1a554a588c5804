// Small configurations and data shared by the tests: training stays at a few steps on tiny images.
#pragma once

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "config.h"
#include "synthetic_data.h"

namespace moco::test {

// A synthetic dataset of 10 classes x per_class images, side x side pixels.
inline std::shared_ptr<const ImageDataset> tiny_dataset(int64_t per_class = 16, int64_t side = 16) {
  return std::make_shared<const ImageDataset>(make_synthetic_dataset(per_class, side, 7));
}

// MoCo v2 shrunk: narrow CNN, small queue and batch, CPU.
inline Config tiny_config() {
  Config c = preset_v2();
  c.data.dataset = "synthetic";
  c.data.path.clear();
  c.data.synthetic_per_class = 16;
  c.data.synthetic_size = 16;
  c.model.width = 8;
  c.model.feature_dim = 16;
  c.moco.queue_size = 64;
  c.moco.bn_splits = 2;
  c.optim.batch_size = 16;
  c.run.device = "cpu";
  c.run.epochs = 2;
  c.run.seed = 3;
  return c;
}

}  // namespace moco::test
