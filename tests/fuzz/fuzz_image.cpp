// The image-folder decode path: the declared size read from the header (which refuses a decoding
// bomb before OpenCV allocates), then the decode into a square RGB image, as image_folder.cpp does.
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <string>
#include <vector>

#include "data/image_decode.h"
#include "data/image_header.h"
#include "fuzz_target.h"

namespace moco::fuzz {
namespace {

constexpr int64_t kSide = 16;

void write_encoded(const std::string& path, const cv::Mat& image) {
  std::vector<uchar> bytes;
  const std::string ext = path.substr(path.rfind('.'));
  if (!cv::imencode(ext, image, bytes)) throw std::runtime_error("fuzz: cannot encode '" + path + "'");
  write_file(path, bytes.data(), bytes.size());
}

}  // namespace

void write_seeds(const std::string& dir) {
  cv::Mat colour(12, 20, CV_8UC3, cv::Scalar(10, 120, 240));
  cv::Mat grey(9, 7, CV_8UC1, cv::Scalar(77));
  cv::Mat alpha(8, 8, CV_8UC4, cv::Scalar(1, 2, 3, 128));
  write_encoded(dir + "/colour.png", colour);
  write_encoded(dir + "/colour.jpg", colour);
  write_encoded(dir + "/grey.png", grey);
  write_encoded(dir + "/grey.jpg", grey);
  write_encoded(dir + "/alpha.png", alpha);
  write_encoded(dir + "/colour.bmp", colour);
  // A PNG whose header declares 60 000 x 60 000 pixels: refused before decoding.
  std::vector<uchar> png;
  cv::imencode(".png", grey, png);
  for (int i = 0; i < 2; ++i) {
    const uint32_t huge = 60000;
    uchar* field = png.data() + 16 + 4 * i;
    field[0] = uchar(huge >> 24), field[1] = uchar(huge >> 16), field[2] = uchar(huge >> 8), field[3] = uchar(huge);
  }
  write_file(dir + "/bomb.png", png.data(), png.size());
}

}  // namespace moco::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moco::fuzz;
  const std::string path = scratch_dir() + "/input.img";
  write_file(path, data, size);
  if (!moco::oversized_reason(path).empty()) return 0;  // refused with a reason, before decoding
  std::vector<uint8_t> out(size_t(3 * kSide * kSide), 0);
  // Decoded, or a reason why not: both fine. A crash, a hang or a sanitizer report is the finding.
  moco::decode_square_rgb(path, kSide, out.data());
  return 0;
}
