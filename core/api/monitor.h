// The workbench's periodic evaluation: one definition of its options for the window's evaluation
// monitor (ui/eval_monitor) and bench/session_driver, which runs the window's path without Qt.
// Torch-free: the UI includes it.
#pragma once

#include <cstdint>

#include "api/analysis.h"

namespace moco {

// A kNN bank of at most 5 000 training images (all of a smaller set; 5 000 when `train_size` is
// unknown, <= 0), 1 000 test images, k 200 unless the bank is smaller, the probe on the same
// features, health on 512 images, consistency of 8 past steps' keys: one evaluation takes seconds
// on a CPU.
EvalOptions monitor_eval_options(int64_t train_size);

}  // namespace moco
