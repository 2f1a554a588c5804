#include "fuzz_target.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace moco::fuzz {
namespace fs = std::filesystem;

namespace {
struct ScratchDir {
  std::string path;
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "moco-fuzz-XXXXXX").string();
    if (!mkdtemp(pattern.data())) finding("cannot create a scratch folder under " + fs::temp_directory_path().string());
    path = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};
}  // namespace

const std::string& scratch_dir() {
  static ScratchDir dir;
  return dir.path;
}

void write_file(const std::string& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) throw std::runtime_error("fuzz: cannot write '" + path + "'");
}

void write_file(const std::string& path, const std::string& bytes) { write_file(path, bytes.data(), bytes.size()); }

void expect_named_refusal(const std::exception& error, const std::string& path) {
  const std::string message = error.what();
  if (message.empty()) finding("a refusal with an empty message");
  if (message.find(path) == std::string::npos) finding("a refusal that does not name the file '" + path + "': " + message);
}

void finding(const std::string& why) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n", why.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace moco::fuzz
