#include "io/atomic_file.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace moco {

void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  // A name of this process and call: two writers of the same file (two workbenches caching the
  // same folder) never share a temporary file; the last rename wins with a whole file.
  static std::atomic<unsigned> calls{0};
  const std::string temp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(calls++);
  try {
    write(temp);
    std::filesystem::rename(temp, path);
  } catch (const std::exception& e) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw std::runtime_error("cannot write '" + path + "': " + e.what());
  }
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  write_atomically(path, [&](const std::string& temp) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot open '" + temp + "' for writing");
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.flush();
    if (!out) throw std::runtime_error("write failed (disk full?)");
  });
}

}  // namespace moco
