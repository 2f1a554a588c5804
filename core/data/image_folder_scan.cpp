#include "data/image_folder_scan.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "api/datasets.h"
#include "data/content_hash.h"
#include "data/ram_budget.h"

namespace moco {
namespace {

namespace fs = std::filesystem;

// Appends the image files under `dir` (recursively; links to folders are noted, not followed).
void collect_images(const fs::path& root, const fs::path& dir, int64_t label, std::vector<FolderFile>& out,
                    std::vector<std::string>& notes) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& e = *it;
    std::error_code ignored;
    if (e.is_symlink(ignored) && e.is_directory(ignored)) {
      notes.push_back("not followed: the link to a folder '" + e.path().string() + "'");
      continue;
    }
    if (!e.is_regular_file(ignored) || !is_image_file_name(e.path().filename().string())) continue;
    FolderFile f;
    f.relative_path = e.path().lexically_relative(root).generic_string();
    f.label = label;
    f.bytes = int64_t(e.file_size(ignored));
    f.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(e.last_write_time(ignored).time_since_epoch()).count();
    out.push_back(std::move(f));
  }
  if (ec) notes.push_back("cannot read '" + dir.string() + "': " + ec.message());
}

struct Labelled {
  std::vector<std::string> classes;
  std::vector<FolderFile> files;
};

// `dir`'s class subfolders in name order (as torchvision's ImageFolder), or its files unlabelled
// when no subfolder holds an image.
Labelled list_classes(const fs::path& root, const fs::path& dir, std::vector<std::string>& notes) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, fs::directory_options::skip_permission_denied, ec)) {
    std::error_code ignored;
    if (e.is_directory(ignored)) names.push_back(e.path().filename().string());
  }
  if (ec) throw std::runtime_error("cannot read the image folder '" + dir.string() + "': " + ec.message());
  std::sort(names.begin(), names.end());
  Labelled out;
  for (const auto& name : names) {
    const size_t before = out.files.size();
    collect_images(root, dir / name, int64_t(out.classes.size()), out.files, notes);
    if (out.files.size() > before) out.classes.push_back(name);
  }
  if (out.classes.empty()) collect_images(root, dir, -1, out.files, notes);
  return out;
}

// Orders files by a hash of their relative path: a fixed shuffle, the same on every machine.
void sort_by_hash(std::vector<FolderFile>& files) {
  std::sort(files.begin(), files.end(), [](const FolderFile& a, const FolderFile& b) {
    const uint64_t ha = hash_text(a.relative_path), hb = hash_text(b.relative_path);
    return ha != hb ? ha < hb : a.relative_path < b.relative_path;
  });
}

// Moves kHoldOutFraction of each label's files (the lowest hashes of their paths) to `test`.
void hold_out(std::vector<FolderFile>& train, std::vector<FolderFile>& test) {
  std::map<int64_t, std::vector<FolderFile>> by_label;
  for (auto& f : train) by_label[f.label].push_back(std::move(f));
  train.clear();
  for (auto& [label, files] : by_label) {
    sort_by_hash(files);
    const size_t n = files.size();
    const size_t held = n < 2 ? 0 : std::max<size_t>(1, size_t(std::llround(double(n) * kHoldOutFraction)));
    test.insert(test.end(), files.begin(), files.begin() + std::ptrdiff_t(held));
    train.insert(train.end(), files.begin() + std::ptrdiff_t(held), files.end());
  }
}

}  // namespace

bool is_image_file_name(const std::string& name) {
  const auto dot = name.rfind('.');
  if (dot == std::string::npos) return false;
  std::string ext = name.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  for (const char* known : {"png", "jpg", "jpeg", "bmp", "webp", "tif", "tiff"})
    if (ext == known) return true;
  return false;
}

FolderListing list_image_folder(const std::string& folder) {
  const fs::path root(folder);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw std::runtime_error("image folder '" + folder + "' does not exist or is not a folder");
  FolderListing l;
  l.root = folder;
  fs::path test_dir;
  for (const char* name : {"val", "test"})
    if (test_dir.empty() && fs::is_directory(root / name, ec)) test_dir = root / name;
  l.has_split = fs::is_directory(root / "train", ec) && !test_dir.empty();
  if (l.has_split) {
    Labelled train = list_classes(root, root / "train", l.notes), test = list_classes(root, test_dir, l.notes);
    l.class_names = train.classes;
    l.train = std::move(train.files);
    for (auto& f : test.files) {
      if (f.label >= 0) {
        const std::string& name = test.classes[size_t(f.label)];
        const auto at = std::find(l.class_names.begin(), l.class_names.end(), name);
        if (at == l.class_names.end()) {
          l.notes.push_back("skipped '" + f.relative_path + "': its class '" + name + "' is not among train/'s classes");
          continue;
        }
        f.label = int64_t(at - l.class_names.begin());
      } else if (!l.class_names.empty()) {
        l.notes.push_back("skipped '" + f.relative_path + "': outside a class folder");
        continue;
      }
      l.test.push_back(std::move(f));
    }
  } else {
    Labelled all = list_classes(root, root, l.notes);
    l.class_names = std::move(all.classes);
    l.train = std::move(all.files);
    hold_out(l.train, l.test);
  }
  // Classes mixed in a fixed order: the first N images (data.train_limit, the kNN bank's size) are
  // then a sample of every class, not the first classes alone.
  sort_by_hash(l.train);
  sort_by_hash(l.test);
  if (l.size() == 0)
    throw std::runtime_error("image folder '" + folder + "' holds no image file (png, jpg, jpeg, bmp, webp, tif or tiff)");
  return l;
}

FolderScan scan_image_folder(const std::string& folder, int64_t image_size) {
  const FolderListing l = list_image_folder(folder);
  FolderScan s;
  s.folder = folder;
  s.images = l.size();
  s.train_images = int64_t(l.train.size());
  s.test_images = int64_t(l.test.size());
  s.classes = int64_t(l.class_names.size());
  s.class_names = l.class_names;
  s.has_split = l.has_split;
  s.side = image_size > 0 ? image_size : kDefaultFolderImageSize;
  s.bytes_needed = decoded_bytes(s.images, s.side);
  s.ram_budget = ram_budget_bytes();
  s.notes = l.notes;
  return s;
}

}  // namespace moco
