#include "data/image_folder.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "data/decode_cache.h"
#include "data/image_decode.h"
#include "data/ram_budget.h"

namespace moco {
namespace {

namespace fs = std::filesystem;

// How often the calling thread reports progress while the workers decode.
constexpr auto kProgressInterval = std::chrono::milliseconds(100);
// Failed files named in the warning; the rest are counted.
constexpr size_t kNamedFailures = 10;

// Stops and joins the workers however the caller leaves (a throwing progress callback included):
// a joinable std::thread destroyed would terminate the program.
struct JoinOnExit {
  std::atomic<bool>& cancel;
  std::vector<std::thread>& threads;
  ~JoinOnExit() {
    cancel = true;
    for (auto& t : threads)
      if (t.joinable()) t.join();
  }
};

// Decodes every file into its row of `out` (3 x side x side bytes each) on all cores. Returns,
// per file, why it was not decoded ("" when it was). The progress callback runs on this thread.
std::vector<std::string> decode_all(const std::vector<std::string>& paths, int64_t side, uint8_t* out,
                                    const LoadProgress& progress, const std::string& folder) {
  const int64_t n = int64_t(paths.size()), row = 3 * side * side;
  const auto cancelled_error = [&] { return std::runtime_error("loading the image folder '" + folder + "' was cancelled"); };
  if (progress && !progress(0, n)) throw cancelled_error();  // the total at once, and a chance to stop before any work
  std::vector<std::string> errors(paths.size());
  std::atomic<int64_t> next{0}, done{0};
  std::atomic<bool> cancel{false};
  std::mutex mutex;
  std::condition_variable finished;
  const OpenCvThreadsOff one_thread_each;
  const int64_t workers = std::clamp<int64_t>(std::thread::hardware_concurrency(), 1, std::max<int64_t>(n, 1));
  std::vector<std::thread> threads;
  const JoinOnExit join{cancel, threads};
  for (int64_t w = 0; w < workers; ++w)
    threads.emplace_back([&] {
      for (int64_t i; !cancel && (i = next++) < n;) {
        try {
          errors[size_t(i)] = decode_square_rgb(paths[size_t(i)], side, out + i * row);
        } catch (...) {  // decode_square_rgb does not throw; nothing may escape a worker regardless
          errors[size_t(i)] = "unexpected error";
        }
        if (++done == n) {
          std::lock_guard<std::mutex> lock(mutex);
          finished.notify_all();
        }
      }
    });
  int64_t reported = -1;
  while (done < n) {
    {
      std::unique_lock<std::mutex> lock(mutex);
      finished.wait_for(lock, kProgressInterval, [&] { return done == n; });
    }
    reported = done;
    if (progress && !progress(reported, n)) throw cancelled_error();  // `join` stops the workers
  }
  if (progress && reported != n) progress(n, n);
  return errors;
}

// Keeps the rows of `split` whose file decoded; `first` is the split's first index in `errors`.
void drop_failed(ImageSplit& split, const std::vector<std::string>& errors, size_t first) {
  if (split.size() == 0) return;
  const int64_t row = split.images[0].numel();
  auto* base = split.images.data_ptr<uint8_t>();
  std::vector<int64_t> kept;
  for (int64_t i = 0; i < split.size(); ++i)
    if (errors[first + size_t(i)].empty()) {
      if (int64_t(kept.size()) != i) std::memmove(base + int64_t(kept.size()) * row, base + i * row, size_t(row));
      kept.push_back(i);
    }
  if (int64_t(kept.size()) == split.size()) return;
  split.images = split.images.slice(0, 0, int64_t(kept.size())).clone();
  if (split.has_labels()) split.labels = split.labels.index_select(0, torch::tensor(kept, torch::kInt64));
}

ImageSplit labelled_rows(const torch::Tensor& images, int64_t start, const std::vector<FolderFile>& files) {
  ImageSplit s;
  s.images = images.slice(0, start, start + int64_t(files.size()));
  if (!files.empty() && files.front().label >= 0) {
    std::vector<int64_t> labels;
    for (const auto& f : files) labels.push_back(f.label);
    s.labels = torch::tensor(labels, torch::kInt64);
  }
  return s;
}

std::string failure_warning(const FolderListing& l, const std::vector<std::string>& errors, size_t failed) {
  std::string text = "skipped " + std::to_string(failed) + " of " + std::to_string(errors.size()) +
                     " files in '" + l.root + "' that could not be decoded:";
  size_t named = 0;
  for (size_t i = 0; i < errors.size() && named < kNamedFailures; ++i) {
    if (errors[i].empty()) continue;
    const auto& f = i < l.train.size() ? l.train[i] : l.test[i - l.train.size()];
    text += (named++ ? "; " : " ") + f.relative_path + " (" + errors[i] + ")";
  }
  if (failed > named) text += "; and " + std::to_string(failed - named) + " more";
  return text;
}

void keep_first(std::vector<FolderFile>& files, int64_t limit) {
  if (limit > 0 && limit < int64_t(files.size())) files.resize(size_t(limit));
}

}  // namespace

ImageDataset load_image_folder(const std::string& folder, int64_t image_size, int64_t train_limit, int64_t test_limit,
                               const LoadProgress& progress) {
  if (!image_decoding_available())
    throw std::runtime_error("this build has no OpenCV: image folders unavailable ('" + folder + "')");
  FolderListing listing = list_image_folder(folder);
  keep_first(listing.train, train_limit);
  keep_first(listing.test, test_limit);
  const int64_t side = image_size > 0 ? image_size : kDefaultFolderImageSize;
  check_ram_budget("image folder '" + folder + "'", listing.size(), side);

  const DecodeCacheEntry cache = decode_cache_entry(listing, side);
  if (auto cached = read_decode_cache(cache, side)) {
    if (progress) progress(listing.size(), listing.size());
    return std::move(*cached);
  }

  std::vector<std::string> paths;
  for (const auto* split : {&listing.train, &listing.test})
    for (const auto& f : *split) paths.push_back((fs::path(folder) / f.relative_path).string());
  auto images = torch::empty({listing.size(), 3, side, side}, torch::kUInt8);
  const auto errors = decode_all(paths, side, images.data_ptr<uint8_t>(), progress, folder);
  const size_t failed = size_t(std::count_if(errors.begin(), errors.end(), [](const std::string& e) { return !e.empty(); }));
  if (failed == errors.size())
    throw std::runtime_error("image folder '" + folder + "' holds no decodable image: " +
                             failure_warning(listing, errors, failed));

  ImageDataset d;
  d.name = fs::path(folder).filename().string();
  if (d.name.empty()) d.name = fs::path(folder).parent_path().filename().string();  // "photos/"
  d.class_names = listing.class_names;
  d.train = labelled_rows(images, 0, listing.train);
  d.test = labelled_rows(images, int64_t(listing.train.size()), listing.test);
  drop_failed(d.train, errors, 0);
  drop_failed(d.test, errors, listing.train.size());
  d.warnings = listing.notes;
  if (failed > 0) d.warnings.push_back(failure_warning(listing, errors, failed));
  try {
    write_decode_cache(cache, side, d);
  } catch (const std::exception& e) {
    d.warnings.push_back(std::string("the decoded images were not cached: ") + e.what());
  }
  return d;
}

}  // namespace moco
