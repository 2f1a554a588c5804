// Image files <-> uint8 tensors (C x H x W, RGB or gray), through OpenCV.
#pragma once

#include <torch/torch.h>

#include <string>

namespace moco {

// Decodes any format OpenCV reads; converts to `channels` (1 or 3) and resizes to height x width
// (0 = keep). Throws std::runtime_error naming the file when it cannot be read.
torch::Tensor load_image_file(const std::string& path, int64_t channels, int64_t height = 0, int64_t width = 0);
// Writes a uint8 C x H x W tensor (C = 1 or 3) as PNG, atomically.
void save_png(const torch::Tensor& image, const std::string& path);
// Tiles N x C x H x W uint8 images into one C x H' x W' image, `columns` per row, with a gap.
torch::Tensor make_grid(const torch::Tensor& images, int64_t columns, int64_t gap = 2, uint8_t fill = 255);

}  // namespace moco

namespace moco {
struct ImageU8;
struct ImageDataset;
enum class Split;
// Decodes an image file into the dataset's shape (channels, height, width) for the analysis API.
ImageU8 load_image_u8(const std::string& path, int64_t channels, int64_t height, int64_t width);
// TensorBoard Projector sprite: the listed images tiled without gaps, ceil(sqrt(n)) per row.
// Returns the side of one cell in pixels.
int64_t save_sprite(const ImageDataset& dataset, Split split, const std::vector<int64_t>& indices, const std::string& path);
}  // namespace moco
