// The tests' tiny MoCo v2 configuration (torch-free, so GUI tests can use it too).
#pragma once

#include "api/config.h"

namespace moco::test {

// MoCo v2 shrunk: narrow CNN, small queue and batch, CPU.
inline Config tiny_config() {
  Config c = preset_v2();
  c.data.dataset = DatasetName::Synthetic;
  c.data.path.clear();
  c.data.synthetic_per_class = 16;
  c.data.synthetic_size = 16;
  c.model.width = 8;
  c.model.feature_dim = 16;
  c.moco.queue_size = 64;
  c.moco.bn_splits = 2;
  c.optim.batch_size = 16;
  c.run.device = DeviceChoice::Cpu;
  c.run.epochs = 2;
  c.run.seed = 3;
  return c;
}

}  // namespace moco::test
