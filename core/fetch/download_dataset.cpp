// download=True: fetch (resuming), verify, extract; each step skipped when its result is there.
#include <filesystem>
#include <stdexcept>

#include "api/downloads.h"
#include "fetch/archive_reader.h"
#include "fetch/extract.h"
#include "fetch/http_download.h"
#include "fetch/md5.h"

namespace moco {
namespace {

namespace fs = std::filesystem;

#ifdef MOCO_HAVE_CURL
constexpr bool kHaveCurl = true;
#else
constexpr bool kHaveCurl = false;
#endif
#ifdef MOCO_HAVE_OPENSSL
constexpr bool kHaveOpenSsl = true;
#else
constexpr bool kHaveOpenSsl = false;
#endif

// Downloads into `<archive>.part` and renames it to `archive` once its MD5 is the expected one.
void fetch_verified(const DownloadableDataset& dataset, const std::string& url, const fs::path& archive,
                    const DownloadOptions& options) {
  const fs::path part = archive.string() + ".part";
  http_download(url, part.string(), dataset.bytes, options.progress);
  if (options.stage) options.stage(DownloadStage::Verifying);
  const std::string actual = file_md5(part.string());
  if (actual != dataset.md5) {
    fs::remove(part);
    throw std::runtime_error("checksum mismatch for " + dataset.file + " downloaded from " + url + ": expected MD5 " +
                             dataset.md5 + ", got " + actual + "; the partial file '" + part.string() + "' was deleted");
  }
  fs::rename(part, archive);
}

}  // namespace

bool downloads_supported() { return kHaveCurl && kHaveOpenSsl && archives_supported(); }

std::string download_dataset(const DownloadableDataset& dataset, const DownloadOptions& options) {
  const fs::path dir = options.data_dir.empty() ? default_data_dir() : options.data_dir;
  const fs::path release = dir / dataset.folder, archive = dir / dataset.file;
  if (fs::is_directory(release)) return release.string();
  fs::create_directories(dir);
  if (!fs::exists(archive)) {
    fetch_verified(dataset, download_url(dataset, options.mirror), archive, options);
  } else {
    if (options.stage) options.stage(DownloadStage::Verifying);
    if (const std::string actual = file_md5(archive.string()); actual != dataset.md5)
      throw std::runtime_error("'" + archive.string() + "' is not the official " + dataset.file + ": expected MD5 " +
                               dataset.md5 + ", got " + actual + " (delete it to download again)");
  }
  if (options.stage) options.stage(DownloadStage::Extracting);
  extract_archive(archive.string(), dir.string());
  if (!fs::is_directory(release))
    throw std::runtime_error("'" + archive.string() + "' did not hold the folder " + dataset.folder);
  return release.string();
}

}  // namespace moco
