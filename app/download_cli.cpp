#include "download_cli.h"

#include <cstdio>
#include <iostream>
#include <optional>

#include "api/downloads.h"
#include "cli_errors.h"
#include "progress_bar.h"

namespace moco {
namespace {

std::string megabytes(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", double(bytes) / 1e6);
  return text;
}

}  // namespace

int run_download_command(const DownloadCommand& cmd) {
  return run_reporting_errors([&] {
    DownloadableDataset dataset = downloadable_dataset(cmd.dataset);
    if (!cmd.md5.empty()) dataset.md5 = cmd.md5;
    DownloadOptions options;
    options.data_dir = cmd.data_dir.empty() ? default_data_dir() : cmd.data_dir;
    options.mirror = cmd.mirror.empty() ? data_mirror_from_env() : cmd.mirror;
    std::optional<ProgressBar> bar;  // starts at the first byte reported: a resumed download's ETA counts from there
    if (!cmd.quiet) {
      std::cerr << "Downloading " << dataset.file << " (" << megabytes(dataset.bytes) << " MB) from "
                << download_url(dataset, options.mirror) << " into " << options.data_dir << std::endl;
      options.progress = [&](int64_t done, int64_t total) {
        if (!bar) bar.emplace(done, total, stderr);
        bar->set_last(total);
        bar->show(done, megabytes(done) + "/" + megabytes(total) + " MB");
        return true;
      };
      options.stage = [&](DownloadStage stage) {
        if (bar) bar->finish();
        bar.reset();
        std::cerr << (stage == DownloadStage::Verifying ? "Checking the MD5 of " : "Extracting ") << dataset.file << std::endl;
      };
    }
    const std::string folder = download_dataset(dataset, options);
    std::cout << folder << std::endl;
    if (!cmd.quiet) std::cerr << "Train on it with: moco-train --set data.dataset=" << dataset.name << " ..." << std::endl;
    return 0;
  });
}

}  // namespace moco
