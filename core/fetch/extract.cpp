#include "fetch/extract.h"

#include <filesystem>
#include <stdexcept>

#include "api/files.h"
#include "fetch/archive_reader.h"

namespace moco {
namespace {

namespace fs = std::filesystem;

void write_entries(const std::string& archive, const fs::path& into) {
  ArchiveReader reader(archive);
  for (ArchiveEntry entry; reader.next(entry);) {
    if (!is_safe_entry_path(entry.path))
      throw std::runtime_error("refusing to extract '" + archive + "': its entry '" + entry.path +
                               "' would be written outside the destination (absolute path or '..')");
    const fs::path target = into / entry.path;
    if (entry.kind == ArchiveEntry::Kind::Directory) {
      fs::create_directories(target);
    } else if (entry.kind == ArchiveEntry::Kind::File) {
      fs::create_directories(target.parent_path());
      try {
        AtomicFileWriter out(target.string());
        reader.read_data([&](const char* data, size_t size) { out.write(data, size); });
        out.commit();
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string(e.what()) + " (while extracting '" + archive + "')");
      }
    } else {
      throw std::runtime_error("refusing to extract '" + archive + "': its entry '" + entry.path +
                               "' is a link or special file, which the dataset releases never hold");
    }
  }
}

}  // namespace

void extract_archive(const std::string& archive, const std::string& destination) {
  fs::create_directories(destination);
  // Same file system as the destination, so the final renames are atomic; a fixed name, so what a
  // killed extraction left is cleared by the next one.
  const fs::path staging = fs::path(destination) / (".extracting-" + fs::path(archive).filename().string());
  fs::remove_all(staging);
  fs::create_directories(staging);
  try {
    write_entries(archive, staging);
    for (const auto& item : fs::directory_iterator(staging)) {
      const fs::path target = fs::path(destination) / item.path().filename();
      if (fs::exists(target)) fs::remove_all(target);  // a stale copy: the archive is the verified truth
      fs::rename(item.path(), target);
    }
    fs::remove_all(staging);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    throw;
  }
}

}  // namespace moco
