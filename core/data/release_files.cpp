#include "data/release_files.h"

#include <fstream>
#include <stdexcept>

#include "fetch/archive_reader.h"

namespace moco {
namespace {

namespace fs = std::filesystem;

// The archive's wanted files, by their name inside the release folder.
std::map<std::string, std::vector<uint8_t>> read_members(const std::string& archive, const std::string& release_folder,
                                                         const std::vector<std::string>& wanted) {
  std::map<std::string, std::vector<uint8_t>> members;
  ArchiveReader reader(archive);
  const std::string prefix = release_folder + "/";
  for (ArchiveEntry entry; reader.next(entry) && members.size() < wanted.size();) {
    if (entry.kind != ArchiveEntry::Kind::File || entry.path.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string name = entry.path.substr(prefix.size());
    for (const auto& w : wanted)
      if (w == name) members[name] = reader.read_all();
  }
  return members;
}

}  // namespace

ReleaseFiles::ReleaseFiles(const std::string& path, const DownloadableDataset& release, const std::string& marker,
                           const std::vector<std::string>& wanted, const std::string& title)
    : release_folder_(release.folder) {
  const fs::path root = path.empty() ? fs::path(default_data_dir()) : fs::path(path);
  if (fs::is_regular_file(root) && looks_like_archive(root.string())) {
    archive_ = root.string();
  } else if (fs::exists(root / marker)) {
    folder_ = root;
  } else if (const fs::path found = find_downloaded(release, root.string()); fs::is_directory(found)) {
    folder_ = found;
  } else if (!found.empty()) {
    archive_ = found.string();
  } else {
    throw std::runtime_error(title + " not found in '" + root.string() + "': expected " + marker + " there or in its " +
                             release.folder + " folder (the extracted binary version), or " + release.file +
                             " (moco-train --download " + release.name + " fetches it)");
  }
  if (!archive_.empty()) members_ = read_members(archive_, release.folder, wanted);
  if (!has(marker)) throw std::runtime_error(title + " not found in '" + where(marker) + "'");
}

bool ReleaseFiles::has(const std::string& name) const {
  return archive_.empty() ? fs::exists(folder_ / name) : members_.count(name) > 0;
}

std::string ReleaseFiles::where(const std::string& name) const {
  return archive_.empty() ? (folder_ / name).string() : archive_ + ":" + release_folder_ + "/" + name;
}

std::vector<uint8_t> ReleaseFiles::bytes(const std::string& name) const {
  if (!archive_.empty()) {
    const auto found = members_.find(name);
    if (found == members_.end()) throw std::runtime_error("'" + where(name) + "' is missing");
    return found->second;
  }
  std::ifstream in(folder_ / name, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open '" + where(name) + "'");
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

}  // namespace moco
