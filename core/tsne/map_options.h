// The workbench's t-SNE map of feature snapshots: how many test images it maps and the options of
// a first (cold) map and of a warm continuation. One definition for the window's t-SNE view and
// bench/session_driver, which runs the window's session path where there is no Qt.
#pragma once

#include <cstdint>

#include "tsne/tsne.h"

namespace moco {

// Test images mapped by default: enough to see clusters, mapped in seconds on a CPU.
constexpr int64_t kMapPoints = 1000;

// Options for mapping `points` feature vectors with `threads` threads (training keeps the rest);
// `warm_start`: continuing from the previous map's layout, which only has to follow the drift.
TsneOptions feature_map_options(int64_t points, bool warm_start, int threads);

}  // namespace moco
