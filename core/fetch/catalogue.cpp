// The downloadable releases and where they go: the torch-free facts download_dataset and the
// dataset loader share.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "api/downloads.h"

namespace moco {

const std::vector<DownloadableDataset>& downloadable_datasets() {
  // MD5s and URLs as torchvision and the releases' pages give them; sizes of the official archives.
  static const std::vector<DownloadableDataset> kCatalogue = {
      {"cifar10", "cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530",
       "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", "cifar-10-batches-bin", 170052171},
      {"cifar100", "cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8",
       "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", "cifar-100-binary", 168513733},
      {"stl10", "stl10_binary.tar.gz", "91f7769df0f17e558f3565bffb0c7dfb",
       "http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz", "stl10_binary", 2640397119},
  };
  return kCatalogue;
}

const DownloadableDataset& downloadable_dataset(const std::string& name) {
  std::string known;
  for (const auto& d : downloadable_datasets()) {
    if (d.name == name) return d;
    known += (known.empty() ? "" : ", ") + d.name;
  }
  throw std::invalid_argument("no downloadable dataset is called '" + name + "' (known: " + known + ")");
}

namespace {
std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}
}  // namespace

std::string default_data_dir() {
  if (const auto dir = env("MOCO_DATA_DIR"); !dir.empty()) return dir;
  std::filesystem::path data_home = env("XDG_DATA_HOME");
  if (data_home.empty()) data_home = std::filesystem::path(env("HOME")) / ".local" / "share";
  return (data_home / "moco-workbench" / "datasets").string();
}

std::string find_downloaded(const DownloadableDataset& dataset, const std::string& data_dir) {
  const std::filesystem::path dir = data_dir.empty() ? default_data_dir() : data_dir;
  if (std::filesystem::is_directory(dir / dataset.folder)) return (dir / dataset.folder).string();
  if (std::filesystem::is_regular_file(dir / dataset.file)) return (dir / dataset.file).string();
  return "";
}

std::string data_mirror_from_env() { return env("MOCO_DATA_MIRROR"); }

std::string download_url(const DownloadableDataset& dataset, const std::string& mirror) {
  if (mirror.empty()) return dataset.url;
  const bool slash = mirror.back() == '/';
  return mirror + (slash ? "" : "/") + dataset.file;
}

}  // namespace moco
