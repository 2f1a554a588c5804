#include "data/decode_cache.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "data/content_hash.h"
#include "api/files.h"

namespace moco {
namespace {

namespace fs = std::filesystem;

// Changes whenever the file layout or the decoding does: older files then never match.
constexpr char kMagic[8] = {'M', 'O', 'C', 'O', 'D', 'E', 'C', '1'};
// Longest class name or warning read back: a larger length means a corrupt file.
constexpr uint64_t kMaxText = 1 << 20;

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)v);
  return buf;
}

// Writes and reads the file's fields in order, hashing every byte for the trailing checksum.
struct Writer {
  AtomicFileWriter& out;
  uint64_t hash = kHashSeed;
  void bytes(const void* p, size_t n) {
    out.write(static_cast<const char*>(p), n);
    hash = hash_bytes(p, n, hash);
  }
  void u64(uint64_t v) { bytes(&v, 8); }
  void text(const std::string& s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
};

struct Reader {
  std::ifstream in;
  uint64_t hash = kHashSeed;
  bool bytes(void* p, size_t n) {
    if (!in.read(static_cast<char*>(p), std::streamsize(n))) return false;
    hash = hash_bytes(p, n, hash);
    return true;
  }
  bool u64(uint64_t& v) { return bytes(&v, 8); }
  bool text(std::string& s) {
    uint64_t n = 0;
    if (!u64(n) || n > kMaxText) return false;
    s.resize(n);
    return bytes(s.data(), n);
  }
  bool texts(std::vector<std::string>& out, uint64_t max_count) {
    uint64_t n = 0;
    if (!u64(n) || n > max_count) return false;
    out.resize(n);
    for (auto& s : out)
      if (!text(s)) return false;
    return true;
  }
};

void write_split(Writer& w, const ImageSplit& s) {
  if (s.has_labels()) w.bytes(s.labels.data_ptr<int64_t>(), size_t(s.size()) * 8);
  if (s.size() > 0) w.bytes(s.images.data_ptr<uint8_t>(), size_t(s.images.numel()));
}

bool read_split(Reader& r, ImageSplit& s, uint64_t n, bool labelled, int64_t side, uint64_t classes) {
  s.images = torch::empty({int64_t(n), 3, side, side}, torch::kUInt8);
  if (labelled) {
    s.labels = torch::empty({int64_t(n)}, torch::kInt64);
    if (!r.bytes(s.labels.data_ptr<int64_t>(), n * 8)) return false;
    if (n > 0 && (s.labels.min().item<int64_t>() < 0 || s.labels.max().item<int64_t>() >= int64_t(classes))) return false;
  }
  return n == 0 || r.bytes(s.images.data_ptr<uint8_t>(), size_t(s.images.numel()));
}

}  // namespace

std::string decode_cache_folder() {
  if (const char* dir = std::getenv("MOCO_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return (fs::path(xdg) / "moco-workbench" / "decoded").string();
  if (const char* home = std::getenv("HOME"); home && *home) return (fs::path(home) / ".cache" / "moco-workbench" / "decoded").string();
  return "";
}

DecodeCacheEntry decode_cache_entry(const FolderListing& listing, int64_t side) {
  DecodeCacheEntry e;
  const std::string folder = decode_cache_folder();
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(listing.root, ec);
  const std::string where = (ec ? fs::absolute(listing.root) : root).string() + '\n' + std::to_string(side);
  if (!folder.empty()) e.path = (fs::path(folder) / (hex(hash_text(where)) + ".bin")).string();
  uint64_t key = hash_text(where);
  for (const auto* split : {&listing.train, &listing.test}) {
    key = hash_text(split == &listing.train ? "train" : "test", key);
    for (const auto& f : *split)
      key = hash_text(f.relative_path + '\n' + std::to_string(f.label) + ' ' + std::to_string(f.bytes) + ' ' +
                          std::to_string(f.mtime_ns) + '\n',
                      key);
  }
  e.key = key;
  return e;
}

std::optional<ImageDataset> read_decode_cache(const DecodeCacheEntry& entry, int64_t side) {
  if (entry.path.empty()) return std::nullopt;
  Reader r;
  r.in.open(entry.path, std::ios::binary);
  if (!r.in) return std::nullopt;
  char magic[8];
  uint64_t key = 0, stored_side = 0, n_train = 0, n_test = 0, labelled = 0, checksum = 0;
  if (!r.bytes(magic, 8) || !std::equal(magic, magic + 8, kMagic) || !r.u64(key) || key != entry.key ||
      !r.u64(stored_side) || stored_side != uint64_t(side) || !r.u64(n_train) || !r.u64(n_test) || !r.u64(labelled))
    return std::nullopt;
  // The sizes must account for the file's length before anything that large is allocated.
  std::error_code ec;
  const uint64_t file_bytes = fs::file_size(entry.path, ec);
  const uint64_t pixel_bytes = (n_train + n_test) * 3 * uint64_t(side) * uint64_t(side);
  if (ec || n_train + n_test > file_bytes || pixel_bytes + (labelled ? 8 * (n_train + n_test) : 0) > file_bytes) return std::nullopt;
  ImageDataset d;
  if (!r.text(d.name) || !r.texts(d.class_names, kMaxText) || !r.texts(d.warnings, kMaxText)) return std::nullopt;
  if (!read_split(r, d.train, n_train, labelled != 0, side, d.class_names.size()) ||
      !read_split(r, d.test, n_test, labelled != 0, side, d.class_names.size()))
    return std::nullopt;
  const uint64_t computed = r.hash;
  if (!r.in.read(reinterpret_cast<char*>(&checksum), 8) || checksum != computed || r.in.peek() != EOF) return std::nullopt;
  return d;
}

void write_decode_cache(const DecodeCacheEntry& entry, int64_t side, const ImageDataset& d) {
  if (entry.path.empty()) return;
  std::error_code ec;
  fs::create_directories(fs::path(entry.path).parent_path(), ec);
  if (ec) throw std::runtime_error("cannot create the decode cache folder '" + fs::path(entry.path).parent_path().string() + "': " + ec.message());
  AtomicFileWriter file(entry.path);
  Writer w{file};
  w.bytes(kMagic, 8);
  w.u64(entry.key);
  w.u64(uint64_t(side));
  w.u64(uint64_t(d.train.size()));
  w.u64(uint64_t(d.test.size()));
  w.u64(d.train.has_labels() ? 1 : 0);
  w.text(d.name);
  w.u64(d.class_names.size());
  for (const auto& s : d.class_names) w.text(s);
  w.u64(d.warnings.size());
  for (const auto& s : d.warnings) w.text(s);
  write_split(w, d.train);
  write_split(w, d.test);
  const uint64_t checksum = w.hash;
  file.write(reinterpret_cast<const char*>(&checksum), 8);
  file.commit();
}

}  // namespace moco
