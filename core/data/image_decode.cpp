#include "data/image_decode.h"

#include <cmath>

#include "data/image_header.h"

#ifdef MOCO_HAVE_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

namespace moco {

#ifdef MOCO_HAVE_OPENCV

bool image_decoding_available() { return true; }

std::string decode_square_rgb(const std::string& path, int64_t side, uint8_t* out) {
  try {
    if (auto reason = oversized_reason(path); !reason.empty()) return reason;
    const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    if (bgr.empty()) return "not a readable image";
    const int s = int(side);
    const double scale = double(s) / std::min(bgr.cols, bgr.rows);
    const int width = std::max(s, int(std::lround(bgr.cols * scale))), height = std::max(s, int(std::lround(bgr.rows * scale)));
    cv::Mat resized;
    cv::resize(bgr, resized, cv::Size(width, height), 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    const cv::Mat square = resized(cv::Rect((width - s) / 2, (height - s) / 2, s, s));
    // Planes R, G, B from interleaved B, G, R.
    cv::Mat planes[3];
    for (int c = 0; c < 3; ++c) planes[c] = cv::Mat(s, s, CV_8UC1, out + int64_t(c) * s * s);
    const int from_to[] = {2, 0, 1, 1, 0, 2};
    cv::mixChannels(&square, 1, planes, 3, from_to, 3);
    return "";
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error while decoding";
  }
}

OpenCvThreadsOff::OpenCvThreadsOff() : previous_(cv::getNumThreads()) { cv::setNumThreads(0); }
OpenCvThreadsOff::~OpenCvThreadsOff() { cv::setNumThreads(previous_); }

#else

bool image_decoding_available() { return false; }
std::string decode_square_rgb(const std::string&, int64_t, uint8_t*) { return "this build has no OpenCV"; }
OpenCvThreadsOff::OpenCvThreadsOff() = default;
OpenCvThreadsOff::~OpenCvThreadsOff() = default;

#endif

}  // namespace moco
