// tsne_bench: runs moco::run_tsne on a feature file and prints the time and the trustworthiness as JSON.
//   tsne_bench features.npy [--out layout.npy] [--threads 2] [--perplexity 30] [--iterations 1000]
// Features are float32: a C-order 2-D .npy array, or a raw file with --dim. bench/tsne_compare.sh runs it
// against scikit-learn.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "api/files.h"
#include "tsne/trustworthiness.h"
#include "tsne/tsne.h"

namespace {

struct Matrix {
  int64_t rows = 0, cols = 0;
  std::vector<float> values;
};

constexpr char kNpyMagic[] = "\x93NUMPY";
constexpr size_t kNpyMagicSize = 6;
constexpr size_t kNpyAlignment = 64;  // numpy pads headers so the data starts 64-byte aligned

std::vector<char> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A little-endian float32, C-order, two-dimensional .npy array (format versions 1 to 3).
Matrix read_npy(const std::string& path) {
  const std::vector<char> bytes = read_all(path);
  if (bytes.size() < 10 || std::string(bytes.data(), kNpyMagicSize) != std::string(kNpyMagic, kNpyMagicSize))
    throw std::runtime_error(path + " is not a .npy file");
  const auto byte = [&](size_t at) { return size_t(static_cast<unsigned char>(bytes.at(at))); };
  const bool long_header = bytes[6] >= 2;
  const size_t header_size =
      long_header ? byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24 : byte(8) | byte(9) << 8;
  const size_t header_start = long_header ? 12 : 10;
  const std::string header(bytes.data() + header_start, std::min(header_size, bytes.size() - header_start));
  std::smatch shape;
  const bool float32 = header.find("'descr': '<f4'") != std::string::npos;
  const bool c_order = header.find("'fortran_order': False") != std::string::npos;
  if (!float32 || !c_order || !std::regex_search(header, shape, std::regex(R"('shape': \((\d+), (\d+)\))")))
    throw std::runtime_error(path + ": expected a C-order float32 (n, d) array, header is " + header);
  Matrix m{std::stoll(shape[1]), std::stoll(shape[2]), {}};
  const size_t data_start = header_start + header_size;
  if (data_start > bytes.size() || bytes.size() - data_start < size_t(m.rows * m.cols) * sizeof(float))
    throw std::runtime_error(path + " is shorter than its shape says");
  m.values.resize(size_t(m.rows * m.cols));
  std::memcpy(m.values.data(), bytes.data() + data_start, m.values.size() * sizeof(float));
  return m;
}

Matrix read_raw(const std::string& path, int64_t dim) {
  const std::vector<char> bytes = read_all(path);
  if (dim < 1 || bytes.size() % (size_t(dim) * sizeof(float)) != 0)
    throw std::runtime_error(path + ": size " + std::to_string(bytes.size()) +
                             " is not a whole number of float32 rows of --dim " + std::to_string(dim));
  Matrix m{int64_t(bytes.size() / (size_t(dim) * sizeof(float))), dim, {}};
  m.values.resize(size_t(m.rows * m.cols));
  std::memcpy(m.values.data(), bytes.data(), bytes.size());
  return m;
}

void write_npy(const std::string& path, const std::vector<float>& values, int64_t rows, int64_t cols) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                       std::to_string(cols) + "), }";
  const size_t unpadded = kNpyMagicSize + 4 + header.size() + 1;
  header.append((kNpyAlignment - unpadded % kNpyAlignment) % kNpyAlignment, ' ');
  header += '\n';
  std::string bytes(kNpyMagic, kNpyMagicSize);
  const char version_and_size[4] = {1, 0, char(header.size() & 0xff), char(header.size() >> 8)};
  bytes.append(version_and_size, 4);
  bytes += header;
  bytes.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  moco::write_file(path, bytes);  // throws naming the path (a full disk, a missing folder)
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Time moco's Barnes-Hut t-SNE on a float32 feature file"};
  std::string features_path, out_path;
  int64_t dim = 0;
  int trust_k = 10;
  moco::TsneOptions options;
  app.add_option("features", features_path, "float32 features: .npy (n, d), or raw with --dim")->required();
  app.add_option("--dim", dim, "feature dimension of a raw file");
  app.add_option("--out", out_path, "write the n x 2 layout here (.npy)");
  app.add_option("--perplexity", options.perplexity, "t-SNE perplexity")->capture_default_str();
  app.add_option("--iterations", options.iterations, "gradient-descent iterations")->capture_default_str();
  app.add_option("--theta", options.theta, "Barnes-Hut angle")->capture_default_str();
  app.add_option("--threads", options.threads, "worker threads, 0 = all")->capture_default_str();
  app.add_option("--seed", options.seed, "random seed")->capture_default_str();
  app.add_option("--trust-k", trust_k, "neighbours for the trustworthiness score")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    const bool is_npy = features_path.size() >= 4 && features_path.compare(features_path.size() - 4, 4, ".npy") == 0;
    const Matrix x = is_npy ? read_npy(features_path) : read_raw(features_path, dim);
    const auto start = std::chrono::steady_clock::now();
    const moco::TsneResult result = moco::run_tsne(x.values.data(), x.rows, x.cols, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!out_path.empty()) write_npy(out_path, result.layout, x.rows, 2);
    const double trust =
        moco::trustworthiness(x.values.data(), x.rows, x.cols, result.layout.data(), 2, trust_k, options.threads);
    const int threads = options.threads > 0 ? options.threads : int(std::thread::hardware_concurrency());
    const nlohmann::json report = {{"implementation", "moco"},     {"n", x.rows},
                                   {"dim", x.cols},                {"threads", threads},
                                   {"perplexity", options.perplexity}, {"iterations", result.iterations},
                                   {"seconds", seconds},           {"kl_divergence", result.kl_divergence},
                                   {"trustworthiness", trust},     {"trustworthiness_k", trust_k}};
    std::cout << report.dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "tsne_bench: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
