// Downloading the datasets users of torchvision's `download=True` expect (CIFAR-10, CIFAR-100,
// STL-10 binary releases) into a data folder: resumable HTTP with a progress callback, the
// official MD5 checked, the archive extracted safely. Torch-free and Qt-free, so the GUI and the
// CLI call the same code. Implemented in core/fetch/.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace moco {

// One downloadable release: its archive and where it unpacks.
struct DownloadableDataset {
  std::string name;    // the data.dataset value: "cifar10", "cifar100", "stl10"
  std::string file;    // archive file name, e.g. "cifar-10-binary.tar.gz"
  std::string md5;     // the archive's official MD5 (lower-case hex)
  std::string url;     // official URL of the archive
  std::string folder;  // the folder the archive holds, e.g. "cifar-10-batches-bin"
  int64_t bytes = 0;   // archive size, shown before the download starts
};

// The official catalogue, in a fixed order (the GUI lists it as is).
const std::vector<DownloadableDataset>& downloadable_datasets();
// The catalogue entry called `name`; throws std::invalid_argument listing the known names.
const DownloadableDataset& downloadable_dataset(const std::string& name);

// torchvision's `root`: $MOCO_DATA_DIR if set, else $XDG_DATA_HOME/moco-workbench/datasets
// (default ~/.local/share/moco-workbench/datasets).
std::string default_data_dir();
// Where `dataset` already is in `data_dir` ("" = default_data_dir()): its extracted folder, else its
// archive (the loader reads either), else "" (offer a download).
std::string find_downloaded(const DownloadableDataset& dataset, const std::string& data_dir = "");
// $MOCO_DATA_MIRROR, or "" for the official URLs.
std::string data_mirror_from_env();
// The archive's URL: `mirror` + "/" + file when a mirror is given, else the official URL.
std::string download_url(const DownloadableDataset& dataset, const std::string& mirror);

// Called with bytes done and total (total 0 when unknown); returning false cancels.
using ByteProgress = std::function<bool(int64_t done, int64_t total)>;

// The steps after the bytes arrive take a while too (STL-10: seconds to checksum, a minute to extract).
enum class DownloadStage { Verifying, Extracting };

struct DownloadOptions {
  std::string data_dir;  // where the archive and the extracted folder go; "" = default_data_dir()
  std::string mirror;    // "" = the official URL
  ByteProgress progress;  // may be empty
  std::function<void(DownloadStage)> stage;  // told when each step starts; may be empty
};

// Thrown when the progress callback returned false; the partial download is kept to resume.
struct DownloadCancelled : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// False when this build lacks libcurl, libarchive or OpenSSL (download_dataset then throws
// saying which).
bool downloads_supported();

// Downloads `dataset` into the data folder (resuming a `<file>.part` left by an interruption),
// verifies its MD5 (a mismatch deletes the partial file and names file, expected and actual
// checksums), keeps the archive and extracts it next to it. Returns the extracted release folder.
// An archive already there and valid is not downloaded again; an extracted folder already there
// is not extracted again. Throws std::runtime_error naming what failed, DownloadCancelled when the
// progress callback cancels.
std::string download_dataset(const DownloadableDataset& dataset, const DownloadOptions& options);

}  // namespace moco
