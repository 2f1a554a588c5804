// An image folder listed without decoding anything: which files, with which label, in which split.
// The decoder (data/image_folder.cpp), the decode cache's key and the GUI's scan (api/datasets.h)
// all read this one listing, so they agree on what the folder holds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace moco {

struct FolderFile {
  std::string relative_path;  // from the folder's root, '/'-separated
  int64_t label = -1;         // index into class_names; -1 in a flat (unlabelled) folder
  int64_t bytes = 0;          // file size and modification time: the decode cache's key
  int64_t mtime_ns = 0;
};

struct FolderListing {
  std::string root;  // the folder as given
  std::vector<std::string> class_names;
  bool has_split = false;  // train/ and val/ (or test/) subfolders, else a hold-out
  std::vector<FolderFile> train, test;
  std::vector<std::string> notes;  // what was skipped while listing (links to folders …)
  int64_t size() const { return int64_t(train.size() + test.size()); }
};

// Fraction of each class held out as the test split when the folder has no train/val subfolders.
inline constexpr double kHoldOutFraction = 0.1;

// True for the extensions decoded (png, jpg, jpeg, bmp, webp, tif, tiff; any case).
bool is_image_file_name(const std::string& name);

// Lists `folder`: root/<class>/**/*.png … with classes sorted by name; root/train/<class>/… with
// root/val/ (or root/test/) as the test split; or a flat root/*.png without labels. Without
// train/val each class holds out kHoldOutFraction of its images (at least one of a class of two
// or more), chosen by a hash of the file's relative path: deterministic, the same on every
// machine, and adding a file never moves another between the splits. Links to folders are not
// followed (a link loop cannot hang the walk); they are listed in `notes`. Each split is in the
// order of those hashes, classes mixed, so its first N files sample every class. Throws
// std::runtime_error naming the folder when it is missing or holds no image file.
FolderListing list_image_folder(const std::string& folder);

}  // namespace moco
