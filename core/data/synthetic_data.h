// A procedurally generated labelled image set: ten shape classes drawn with random colour, size,
// position, rotation and background. The fallback when no dataset is installed, and test data.
#pragma once

#include <cstdint>

#include "data/dataset.h"

namespace moco {

inline constexpr int64_t kSyntheticClasses = 10;

// `per_class` images of each class, side x side pixels, RGB. Same seed, same images.
ImageSplit make_synthetic_split(int64_t per_class, int64_t side, uint64_t seed);
ImageDataset make_synthetic_dataset(int64_t per_class, int64_t side, uint64_t seed);

}  // namespace moco
