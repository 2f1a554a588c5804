// Where a binary release's files are read from: its extracted folder or, without extracting
// anything, its official .tar.gz. The CIFAR and STL-10 parsers are written once against this.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "api/downloads.h"

namespace moco {

class ReleaseFiles {
 public:
  // `path` is the release folder, the folder holding it, the release's archive, or the folder
  // holding that archive; "" = default_data_dir(). `marker` is a file every copy holds; `wanted`
  // the files the reader will ask for (from an archive only these are kept in memory). Throws
  // std::runtime_error naming `title`, the path and what was looked for when none is found.
  ReleaseFiles(const std::string& path, const DownloadableDataset& release, const std::string& marker,
               const std::vector<std::string>& wanted, const std::string& title);

  bool has(const std::string& name) const;
  // The file's bytes; throws naming where it was looked for when it is missing.
  std::vector<uint8_t> bytes(const std::string& name) const;
  // The file as messages name it: "<folder>/<name>" or "<archive>:<release folder>/<name>".
  std::string where(const std::string& name) const;

 private:
  std::filesystem::path folder_;  // set when reading an extracted folder
  std::string archive_;           // set when reading an archive
  std::string release_folder_;
  std::map<std::string, std::vector<uint8_t>> members_;  // the wanted files of the archive
};

}  // namespace moco
