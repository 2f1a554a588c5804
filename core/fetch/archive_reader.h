// Streams the entries of a .tar.gz (or any archive libarchive reads) one after the other, without
// extracting anything: the extractor and the dataset readers both walk archives with it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace moco {

struct ArchiveEntry {
  enum class Kind { File, Directory, Other };  // Other: links, devices, FIFOs
  std::string path;  // as stored, e.g. "cifar-10-batches-bin/data_batch_1.bin"
  Kind kind = Kind::Other;
  int64_t size = 0;
};

class ArchiveReader {
 public:
  // Throws std::runtime_error naming the archive when it cannot be opened (or the build has no
  // libarchive).
  explicit ArchiveReader(const std::string& archive);
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  // The next entry's header, false at the end. Its data is skipped unless read before the next call.
  bool next(ArchiveEntry& entry);
  // Feeds the current entry's data to `sink` in chunks.
  void read_data(const std::function<void(const char* data, size_t size)>& sink);
  // The current entry's data in memory.
  std::vector<uint8_t> read_all();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether the build can read archives (libarchive found at configure time).
bool archives_supported();

// True for relative paths without ".." components: the entries an extractor may write.
bool is_safe_entry_path(const std::string& path);

// True for file names that are archives the readers open directly (.tar.gz, .tgz, .tar).
bool looks_like_archive(const std::string& path);

}  // namespace moco
