// What the GUI may ask about a dataset before loading it (torch-free): an image folder's count,
// classes and the memory it will need, the RAM budget, and the progress callback of a load.
// Implemented in the data layer (data/image_folder_scan.cpp, data/ram_budget.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace moco {

// Side of an image folder's images when data.image_size is 0: small enough for a CPU, large
// enough to keep what a photo shows (folders hold images of any size, so one must be chosen).
inline constexpr int64_t kDefaultFolderImageSize = 64;

// Called by a long load on the loading thread with the files done so far and the total: first
// (0, total) before any decoding, then every 100 ms or so, last (total, total). Returning false
// cancels the load, which then throws std::runtime_error("... cancelled") naming the folder.
using LoadProgress = std::function<bool(int64_t done, int64_t total)>;

// An image folder as found on disk, before any image is decoded.
struct FolderScan {
  std::string folder;
  int64_t images = 0;                    // image files (by extension) that will be decoded
  int64_t train_images = 0, test_images = 0;
  int64_t classes = 0;                   // 0: a flat folder, trained on without labels
  std::vector<std::string> class_names;  // sorted by name, as torchvision's ImageFolder
  bool has_split = false;                // train/ and val/ (or test/) subfolders
  int64_t side = 0;                      // the square side images are resized and cropped to
  int64_t bytes_needed = 0;              // images x 3 x side x side: the decoded set in memory
  int64_t ram_budget = 0;                // what a set may take (ram_budget_bytes())
  std::vector<std::string> notes;        // what the scan skipped (links to folders, unreadable entries)
};

// Lists `folder` as load_dataset would (see README, "Image folders"); `image_size` 0 means
// kDefaultFolderImageSize. Throws std::runtime_error naming the folder when it is missing or
// holds no image file.
FolderScan scan_image_folder(const std::string& folder, int64_t image_size);

// MNIST's IDX files in the data folder `data_dir`: its MNIST/raw (where torchvision keeps them),
// mnist/ or MNIST/ subfolder holding train-images-idx3-ubyte[.gz]; "" when none does.
std::string find_mnist(const std::string& data_dir);

// Bytes a decoded set may occupy: env MOCO_RAM_BUDGET_MB when set, else half the physical memory.
int64_t ram_budget_bytes();

}  // namespace moco
