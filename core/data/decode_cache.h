// Decoded image folders kept on disk, so a folder is decoded once: one file per folder and image
// side under $MOCO_CACHE_DIR, else $XDG_CACHE_HOME/moco-workbench/decoded, else
// ~/.cache/moco-workbench/decoded. Each file holds a key (a hash of the folder, the side and every
// image's path, label, split, size and modification time), the decoded images, labels, class names
// and warnings, and a checksum of it all: a changed folder, a truncated or corrupt file is not
// used (and is rewritten by the next decode).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "data/dataset.h"
#include "data/image_folder_scan.h"

namespace moco {

// The cache folder, or "" when no home folder is known (nothing is cached then).
std::string decode_cache_folder();

struct DecodeCacheEntry {
  std::string path;  // the cache file of this folder and side ("" = no cache folder)
  uint64_t key = 0;  // what the decoded contents must match
};

DecodeCacheEntry decode_cache_entry(const FolderListing& listing, int64_t side);

// The cached dataset when `entry.path` holds one with `entry.key` and an intact checksum.
std::optional<ImageDataset> read_decode_cache(const DecodeCacheEntry& entry, int64_t side);

// Writes `dataset` atomically; throws std::runtime_error naming the file when it cannot.
void write_decode_cache(const DecodeCacheEntry& entry, int64_t side, const ImageDataset& dataset);

}  // namespace moco
