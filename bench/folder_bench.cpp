// folder_bench: how fast an image folder decodes, how fast it reopens from the decode cache, and
// what its images take in memory.
//   folder_bench --dir /tmp/folder-bench [--images 5000] [--side 96] [--seed 1]
// Writes --images seeded JPEGs of --side pixels (coloured shapes on a gradient, blurred, 10 class
// folders) unless the folder holds them already, then times a first open (cache emptied) and a
// second, and measures the resident memory each output size adds. Prints JSON.
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>
#include <thread>

#include "api/files.h"
#include "data/image_folder.h"
#include "resident_memory.h"

namespace fs = std::filesystem;

namespace {

constexpr int kClasses = 10;

void generate(const fs::path& dir, int images, int side, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> colour(0, 255), pos(0, side - 1), radius(side / 10, side / 3);
  for (int i = 0; i < images; ++i) {
    cv::Mat image(side, side, CV_8UC3);
    const cv::Scalar a(colour(rng), colour(rng), colour(rng)), b(colour(rng), colour(rng), colour(rng));
    for (int y = 0; y < side; ++y) image.row(y).setTo(a + (b - a) * (double(y) / side));
    for (int s = 0; s < 4; ++s)
      cv::circle(image, {pos(rng), pos(rng)}, radius(rng), cv::Scalar(colour(rng), colour(rng), colour(rng)), cv::FILLED);
    cv::GaussianBlur(image, image, {3, 3}, 0);
    const fs::path file = dir / ("class" + std::to_string(i % kClasses)) / (std::to_string(i) + ".jpg");
    fs::create_directories(file.parent_path());
    std::vector<uchar> jpeg;
    if (!cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90}))
      throw std::runtime_error("cannot encode " + file.string());
    moco::write_file(file.string(), std::string_view(reinterpret_cast<const char*>(jpeg.data()), jpeg.size()));
  }
}


double seconds_of(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Image-folder decode and cache timings"};
  std::string dir;
  int images = 5000, side = 96;
  uint32_t seed = 1;
  app.add_option("--dir", dir, "Folder for the generated images and the cache")->required();
  app.add_option("--images", images, "Images to generate");
  app.add_option("--side", side, "Side of the generated images in pixels");
  app.add_option("--seed", seed, "Seed of the generator");
  CLI11_PARSE(app, argc, argv);
  try {
    const fs::path root = fs::path(dir) / "images", cache = fs::path(dir) / "cache";
    if (!fs::exists(root)) {  // generated beside it and renamed whole: an interrupted run leaves no half set
      const fs::path partial = fs::path(dir) / "images.partial";
      fs::remove_all(partial);
      generate(partial, images, side, seed);
      fs::rename(partial, root);
    }
    setenv("MOCO_CACHE_DIR", cache.c_str(), 1);
    fs::remove_all(cache);

    nlohmann::json out;
    out["images"] = images;
    out["source_side"] = side;
    out["threads"] = std::thread::hardware_concurrency();
    int64_t decoded = 0;
    const double first = seconds_of([&] {
      const auto d = moco::load_image_folder(root.string(), side, 0, 0);
      decoded = d.train.size() + d.test.size();
    });
    const double second = seconds_of([&] { moco::load_image_folder(root.string(), side, 0, 0); });
    out["decoded"] = decoded;
    out["first_open_seconds"] = first;
    out["decode_images_per_second"] = decoded / first;
    out["cached_open_seconds"] = second;
    out["cached_images_per_second"] = decoded / second;
    for (int s : {32, 64, 96}) {
      const int64_t before = moco::bench::resident_bytes();
      const auto d = moco::load_image_folder(root.string(), s, 0, 0);
      const int64_t after = moco::bench::resident_bytes();
      out["bytes_per_image"][std::to_string(s)] = {{"computed", 3 * s * s},
                                                  {"measured_rss", double(after - before) / double(d.train.size() + d.test.size())}};
    }
    std::cout << out.dump(2) << std::endl;
  } catch (const std::exception& e) {  // a full disk, an unwritable --dir: named, not a crash
    std::cerr << "folder_bench: " << e.what() << "\n";
    return 1;
  }
  if (!std::cout) {
    std::cerr << "folder_bench: cannot write the results to stdout\n";
    return 1;
  }
}
