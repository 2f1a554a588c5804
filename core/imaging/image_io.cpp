#include "imaging/image_io.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "api/files.h"

namespace moco {

torch::Tensor load_image_file(const std::string& path, int64_t channels, int64_t height, int64_t width) {
  if (channels != 1 && channels != 3) throw std::invalid_argument("load_image_file: channels must be 1 or 3");
  cv::Mat image = cv::imread(path, channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
  if (image.empty()) throw std::runtime_error("cannot read image '" + path + "' (missing or not an image)");
  if (channels == 3) cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
  if (height > 0 && width > 0 && (image.rows != height || image.cols != width))
    cv::resize(image, image, cv::Size(int(width), int(height)), 0, 0, cv::INTER_AREA);
  auto t = torch::from_blob(image.data, {image.rows, image.cols, channels}, torch::kUInt8).clone();
  return t.permute({2, 0, 1}).contiguous();
}

void save_png(const torch::Tensor& image, const std::string& path) {
  if (image.dim() != 3 || (image.size(0) != 1 && image.size(0) != 3) || image.scalar_type() != torch::kUInt8)
    throw std::invalid_argument("save_png expects a uint8 C x H x W tensor with 1 or 3 channels");
  auto hwc = image.permute({1, 2, 0}).contiguous().cpu();
  cv::Mat mat(int(hwc.size(0)), int(hwc.size(1)), image.size(0) == 3 ? CV_8UC3 : CV_8UC1, hwc.data_ptr<uint8_t>());
  if (image.size(0) == 3) cv::cvtColor(mat, mat, cv::COLOR_RGB2BGR);
  std::vector<uchar> bytes;
  if (!cv::imencode(".png", mat, bytes)) throw std::runtime_error("cannot encode PNG for '" + path + "'");
  write_file(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

torch::Tensor make_grid(const torch::Tensor& images, int64_t columns, int64_t gap, uint8_t fill) {
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  const int64_t rows = (n + columns - 1) / columns;
  auto grid = torch::full({c, rows * (h + gap) + gap, columns * (w + gap) + gap}, fill, torch::kUInt8);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t y = gap + (i / columns) * (h + gap), x = gap + (i % columns) * (w + gap);
    grid.slice(1, y, y + h).slice(2, x, x + w).copy_(images[i]);
  }
  return grid;
}

}  // namespace moco

#include <cmath>

#include "api/analysis.h"
#include "data/dataset.h"

namespace moco {

ImageU8 load_image_u8(const std::string& path, int64_t channels, int64_t height, int64_t width) {
  return to_image_u8(load_image_file(path, channels, height, width));
}

int64_t save_sprite(const ImageDataset& dataset, Split split, const std::vector<int64_t>& indices, const std::string& path) {
  const auto& images = split_of(dataset, split).images;
  auto selected = images.index_select(0, torch::tensor(indices, torch::kInt64));
  const int64_t columns = int64_t(std::ceil(std::sqrt(double(indices.size()))));
  save_png(make_grid(selected, columns, 0, 0), path);
  return images.size(2);
}

}  // namespace moco
