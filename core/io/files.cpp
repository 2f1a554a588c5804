// api/files.h: POSIX descriptors, so that every write's result is seen (an ofstream's buffered
// write fails later, and its close() is easily left unchecked).
#include "api/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace moco {
namespace {

namespace fs = std::filesystem;

constexpr size_t kBufferBytes = size_t(1) << 20;  // a few large writes instead of many small ones
constexpr int kMaxLinks = 40;  // as the kernel's ELOOP limit: a link cycle is an error, not a hang

std::string reason(int error) { return std::strerror(error); }

// `path` with symbolic links followed, so that the link's target is what gets replaced.
std::string follow_links(const std::string& path) {
  fs::path p(path);
  for (int i = 0; i < kMaxLinks; ++i) {
    std::error_code ec;
    if (!fs::is_symlink(p, ec)) return p.string();
    const fs::path to = fs::read_symlink(p, ec);
    if (ec) return p.string();
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  throw std::runtime_error("cannot write '" + path + "': too many levels of symbolic links");
}

// An existing path that is not a regular file (nor a folder): written in place.
bool is_device(const std::string& target) {
  struct stat st {};
  return ::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

// Writes every byte or returns the errno of the failing write.
int write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    data += n;
    size -= size_t(n);
  }
  return 0;
}

// Best effort: makes the rename itself durable. A folder that cannot be opened or fsynced (some
// network file systems) does not make an already complete write an error.
void sync_folder(const std::string& file) {
  const fs::path folder = fs::path(file).parent_path();
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(const std::string& path) : path_(path) {
  // Asked of the path itself, which the kernel resolves: /dev/stdout's link (to "pipe:[…]") cannot
  // be followed by hand.
  if (is_device(path)) {
    target_ = path;
    fd_ = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd_ < 0) fail("cannot open it", errno);
    return;
  }
  target_ = follow_links(path);
  // A name of this process and call: two writers of the same file (two workbenches caching the
  // same folder) never share a temporary file; the last rename wins with a whole file.
  static std::atomic<unsigned> calls{0};
  temp_ = target_ + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(calls++);
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    const int error = errno;
    temp_.clear();  // nothing was created
    fail("cannot create a file in '" + fs::path(target_).parent_path().string() + "'", error);
  }
  // The replacement keeps the permissions of the file it replaces (a script's mode bits, say).
  struct stat st {};
  if (::stat(target_.c_str(), &st) == 0) ::fchmod(fd_, st.st_mode & 07777);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

void AtomicFileWriter::fail(const std::string& what, int error) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_.empty()) ::unlink(temp_.c_str());
  temp_.clear();
  throw std::runtime_error("cannot write '" + path_ + "': " + what + ": " + reason(error));
}

void AtomicFileWriter::write(const char* data, size_t size) {
  if (fd_ < 0) throw std::logic_error("AtomicFileWriter: write to '" + path_ + "' after commit or failure");
  if (buffer_.size() + size > kBufferBytes) drain();
  if (size >= kBufferBytes) {
    if (const int error = write_all(fd_, data, size)) fail("write failed", error);
  } else {
    buffer_.append(data, size);
  }
}

void AtomicFileWriter::drain() {
  const int error = write_all(fd_, buffer_.data(), buffer_.size());
  buffer_.clear();
  if (error) fail("write failed", error);
}

void AtomicFileWriter::commit() {
  if (fd_ < 0) throw std::logic_error("AtomicFileWriter: '" + path_ + "' committed twice or after a failure");
  drain();
  // fsync: the data is on disk before the rename makes it the file (else a crash could leave an
  // empty file under the old name). A device may not support it (EINVAL): its writes were checked.
  if (::fsync(fd_) != 0 && !(temp_.empty() && (errno == EINVAL || errno == EROFS || errno == ENOTSUP)))
    fail("fsync failed", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("close failed", errno);
  if (temp_.empty()) return;
  if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("cannot rename '" + temp_ + "' over it", errno);
  temp_.clear();
  sync_folder(target_);
}

void write_file(const std::string& path, std::string_view bytes) {
  AtomicFileWriter file(path);
  file.write(bytes);
  file.commit();
}

void write_file_via(const std::string& path, const std::function<void(const std::string&)>& write) {
  static std::atomic<unsigned> calls{0};
  const bool device = is_device(path);
  const std::string target = device ? path : follow_links(path);
  // A device's bytes are first written to a file of the temporary folder, then copied in checked.
  const std::string temp = (device ? (fs::temp_directory_path() / "moco-device-write").string() : target) + ".tmp." +
                           std::to_string(::getpid()) + ".via." + std::to_string(calls++);
  const auto remove_temp = [&] {
    std::error_code ignored;
    fs::remove(temp, ignored);
  };
  try {
    write(temp);
  } catch (const std::exception& e) {
    remove_temp();
    throw std::runtime_error("cannot write '" + path + "': " + e.what());
  }
  try {
    if (device) {
      std::vector<char> bytes;
      {
        const int in = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
        if (in < 0) throw std::runtime_error("cannot write '" + path + "': cannot read back '" + temp + "': " + reason(errno));
        char buffer[1 << 16];
        ssize_t n;
        while ((n = ::read(in, buffer, sizeof buffer)) > 0) bytes.insert(bytes.end(), buffer, buffer + n);
        ::close(in);
      }
      write_file(path, std::string_view(bytes.data(), bytes.size()));
    } else {
      const int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) throw std::runtime_error("cannot write '" + path + "': the writer left no file '" + temp + "'");
      const bool synced = ::fsync(fd) == 0;
      const int error = errno;
      ::close(fd);
      if (!synced) throw std::runtime_error("cannot write '" + path + "': fsync failed: " + reason(error));
      if (::rename(temp.c_str(), target.c_str()) != 0)
        throw std::runtime_error("cannot write '" + path + "': cannot rename '" + temp + "' over it: " + reason(errno));
      sync_folder(target);
    }
  } catch (...) {
    remove_temp();
    throw;
  }
  remove_temp();
}

AppendFile::AppendFile(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) throw std::runtime_error("cannot append to '" + path + "': " + reason(errno));
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

AppendFile::AppendFile(AppendFile&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) { other.fd_ = -1; }

AppendFile& AppendFile::operator=(AppendFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

void AppendFile::append(std::string_view text) {
  if (fd_ < 0) throw std::logic_error("AppendFile: '" + path_ + "' is closed");
  // One write() for the whole text where the kernel takes it: a row is never interleaved.
  if (const int error = write_all(fd_, text.data(), text.size()))
    throw std::runtime_error("cannot append to '" + path_ + "': " + reason(error));
}

}  // namespace moco
