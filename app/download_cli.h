// `moco-train --download NAME`: fetches a dataset release into the data folder, as torchvision's
// download=True does, with a progress bar.
#pragma once

#include <string>

namespace moco {

struct DownloadCommand {
  std::string dataset;   // --download: cifar10, cifar100, stl10
  std::string data_dir;  // --data-dir ("" = default_data_dir())
  std::string mirror;    // --mirror ("" = $MOCO_DATA_MIRROR, else the official URL)
  std::string md5;       // --md5 (hidden): the checksum to expect instead of the official one
  bool quiet = false;
};

// Returns the exit code; errors go to stderr naming what failed.
int run_download_command(const DownloadCommand& command);

}  // namespace moco
