// Image folders in torchvision's ImageFolder layout (see data/image_folder_scan.h for what is
// listed), decoded on every core into square RGB images, through the decode cache.
#pragma once

#include <cstdint>
#include <string>

#include "api/datasets.h"
#include "data/dataset.h"

namespace moco {

// Loads `folder` at side `image_size` (0 = kDefaultFolderImageSize), the first `train_limit` and
// `test_limit` images of each split (0 = all). Checks the RAM budget before decoding. Files that
// fail to decode are skipped and listed in one warning (dataset.warnings). Throws
// std::runtime_error naming the folder when it holds no decodable image, when the build has no
// OpenCV, or when `progress` returns false.
ImageDataset load_image_folder(const std::string& folder, int64_t image_size, int64_t train_limit, int64_t test_limit,
                               const LoadProgress& progress = {});

}  // namespace moco
