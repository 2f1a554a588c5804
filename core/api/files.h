// The one way the workbench writes a file (checkpoints, run folders, sweeps, caches, exports, the
// GUI's saves): a failure — a full disk, a folder that cannot be created, a device that refuses the
// bytes — is an error naming the path, never a success, and never leaves a half-written file in
// place of the previous one. Torch- and Qt-free (the GUI adapts it in ui/save_file.h).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace moco {

// Writes `bytes` to `path`: into "<path>.tmp.<pid>.<n>" in the same folder, every write checked,
// flushed and fsynced, then renamed over `path` (the previous file is replaced whole or not at all).
// A symbolic link is followed: its target is replaced and the link stays. A path that exists and is
// not a regular file (a device such as /dev/null or /dev/full, a pipe) is written in place, since
// renaming over it would replace the device. Throws std::runtime_error naming `path` and the cause;
// on failure the previous file is untouched and no temporary file is left.
void write_file(const std::string& path, std::string_view bytes);

// For writers that need a file name (LibTorch's archive writer): `write(temp_path)` writes the
// whole file there and throws on failure; it is then fsynced and moved over `path` as write_file
// does (a device path gets the bytes copied in, each write checked).
void write_file_via(const std::string& path, const std::function<void(const std::string& temp_path)>& write);

// A file written piece by piece (an archive entry being extracted, a large cache): the pieces go to
// the temporary file and commit() moves it over `path`; destroyed without commit() (an exception on
// the way), the temporary file is removed and `path` is as it was. Throws as write_file does.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(const std::string& path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const char* data, size_t size);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  // Flushes, fsyncs, closes and renames; the writer is then done.
  void commit();
  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void fail(const std::string& what, int error);
  void drain();
  std::string path_;    // as the caller named it: the one error messages give
  std::string target_;  // the file replaced: `path` with links followed
  std::string temp_;    // empty when writing the target in place (a device)
  int fd_ = -1;
  std::string buffer_;  // small pieces (a cache's fields) gathered into large writes
};

// Appends to a file that grows while a run trains (metrics.csv, metrics.jsonl): every append is
// written whole, checked and flushed to the kernel before it returns (no fsync per row: a row cut
// short by a crash is dropped when the run resumes). Creates the file when missing. A failed append
// throws std::runtime_error naming the file.
class AppendFile {
 public:
  explicit AppendFile(const std::string& path);
  ~AppendFile();
  AppendFile(AppendFile&& other) noexcept;
  AppendFile& operator=(AppendFile&& other) noexcept;
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  void append(std::string_view text);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace moco
