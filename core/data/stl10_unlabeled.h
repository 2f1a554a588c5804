// STL-10's 100 000 unlabelled images (unlabeled_X.bin), the training set of data.stl10_unlabeled.
// Kept apart from binary_image_sets.cpp: the labelled splits' reader does not need to know.
#pragma once

#include <cstdint>
#include <string>

#include "data/dataset.h"

namespace moco {

// The first `limit` images (0 = all) of unlabeled_X.bin in `folder` or its stl10_binary folder,
// without labels, after checking the RAM budget. Read in chunks, each turned from the stored
// column-major planes into rows, so the file is never held twice in memory.
ImageSplit read_stl10_unlabeled(const std::string& folder, int64_t limit);

}  // namespace moco
