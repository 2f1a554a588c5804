#include "fetch/archive_reader.h"

#include <filesystem>
#include <stdexcept>

#ifdef MOCO_HAVE_LIBARCHIVE
#include <archive.h>
#include <archive_entry.h>
#endif

namespace moco {

bool is_safe_entry_path(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  for (const auto& part : std::filesystem::path(path))
    if (part == "..") return false;
  return true;
}

bool looks_like_archive(const std::string& path) {
  auto ends_with = [&](const std::string& suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".tar.gz") || ends_with(".tgz") || ends_with(".tar");
}

#ifdef MOCO_HAVE_LIBARCHIVE

namespace {
constexpr size_t kBlockBytes = 1 << 16;  // libarchive's read block; large enough for fast gunzip
}  // namespace

struct ArchiveReader::Impl {
  std::string path;
  archive* handle = nullptr;
  std::string error() const { return "'" + path + "': " + (archive_error_string(handle) ? archive_error_string(handle) : "unknown error"); }
};

bool archives_supported() { return true; }

ArchiveReader::ArchiveReader(const std::string& archive_path) : impl_(std::make_unique<Impl>()) {
  impl_->path = archive_path;
  impl_->handle = archive_read_new();
  archive_read_support_filter_all(impl_->handle);
  archive_read_support_format_all(impl_->handle);
  if (archive_read_open_filename(impl_->handle, archive_path.c_str(), kBlockBytes) != ARCHIVE_OK) {
    const std::string message = "cannot open the archive " + impl_->error();
    archive_read_free(impl_->handle);
    impl_->handle = nullptr;
    throw std::runtime_error(message);
  }
}

ArchiveReader::~ArchiveReader() {
  if (impl_ && impl_->handle) archive_read_free(impl_->handle);
}

bool ArchiveReader::next(ArchiveEntry& entry) {
  archive_entry* header = nullptr;
  const int status = archive_read_next_header(impl_->handle, &header);
  if (status == ARCHIVE_EOF) return false;
  if (status < ARCHIVE_WARN) throw std::runtime_error("cannot read the next entry of the archive " + impl_->error());
  entry.path = archive_entry_pathname(header) ? archive_entry_pathname(header) : "";
  const auto type = archive_entry_filetype(header);
  entry.kind = type == AE_IFREG ? ArchiveEntry::Kind::File
               : type == AE_IFDIR ? ArchiveEntry::Kind::Directory
                                  : ArchiveEntry::Kind::Other;
  if (archive_entry_hardlink(header)) entry.kind = ArchiveEntry::Kind::Other;
  entry.size = archive_entry_size(header);
  return true;
}

void ArchiveReader::read_data(const std::function<void(const char*, size_t)>& sink) {
  std::vector<char> chunk(kBlockBytes);
  for (;;) {
    const la_ssize_t n = archive_read_data(impl_->handle, chunk.data(), chunk.size());
    if (n == 0) return;
    if (n < 0) throw std::runtime_error("cannot read an entry of the archive " + impl_->error());
    sink(chunk.data(), size_t(n));
  }
}

std::vector<uint8_t> ArchiveReader::read_all() {
  std::vector<uint8_t> bytes;
  read_data([&](const char* data, size_t size) { bytes.insert(bytes.end(), data, data + size); });
  return bytes;
}

#else  // no libarchive: every use says so

struct ArchiveReader::Impl {};

bool archives_supported() { return false; }

ArchiveReader::ArchiveReader(const std::string& archive_path) {
  throw std::runtime_error("cannot read the archive '" + archive_path +
                           "': this build has no libarchive (extract it, or install libarchive-dev and rebuild)");
}
ArchiveReader::~ArchiveReader() = default;
bool ArchiveReader::next(ArchiveEntry&) { return false; }
void ArchiveReader::read_data(const std::function<void(const char*, size_t)>&) {}
std::vector<uint8_t> ArchiveReader::read_all() { return {}; }

#endif

}  // namespace moco
