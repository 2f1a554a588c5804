// One image file decoded into the square RGB form every folder image takes (OpenCV; only in
// builds that found it, where MOCO_HAVE_OPENCV is defined).
#pragma once

#include <cstdint>
#include <string>

namespace moco {

// True when this build decodes image files (it found OpenCV).
bool image_decoding_available();

// Decodes `path` into `out` (3 x side x side bytes, planes R, G, B). OpenCV's IMREAD_COLOR does
// the conversions: grey is repeated into R, G and B, a palette expanded, 16 bits scaled to 8, the
// alpha channel dropped (the colour stored under it is kept), and the EXIF orientation applied.
// Then the shorter side is resized to `side` (area interpolation when shrinking, bilinear when
// enlarging) and the centre square cropped, as torchvision's Resize(side) + CenterCrop(side).
// Returns an empty string on success, else why the file was not decoded; never throws.
std::string decode_square_rgb(const std::string& path, int64_t side, uint8_t* out);

// Makes OpenCV's own functions single-threaded while it lives (the caller decodes one file per
// core already), restoring the previous setting after.
class OpenCvThreadsOff {
 public:
  OpenCvThreadsOff();
  ~OpenCvThreadsOff();
  OpenCvThreadsOff(const OpenCvThreadsOff&) = delete;
  OpenCvThreadsOff& operator=(const OpenCvThreadsOff&) = delete;

 private:
  int previous_ = 0;
};

}  // namespace moco
