#include "tsne/tsne_checks.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace moco::tsne {
namespace {

constexpr int64_t kMaxPoints = std::numeric_limits<int32_t>::max();  // point ids are stored as int32

// The first NaN or infinite value of a rows x columns array, as "name[row, column] = value"; empty if none.
std::string first_non_finite(const float* values, int64_t rows, int64_t columns, const char* name) {
  for (int64_t e = 0; e < rows * columns; ++e) {
    if (std::isfinite(values[e])) continue;
    std::ostringstream where;
    where << name << "[" << e / columns << ", " << e % columns << "] = " << values[e];
    return where.str();
  }
  return {};
}

template <typename T>
std::string describe(const char* name, T value, const std::string& requirement) {
  std::ostringstream text;
  text << name << " = " << value << " " << requirement;
  return text.str();
}

}  // namespace

std::vector<std::string> tsne_input_problems(const float* data, int64_t n, int64_t dim, const TsneOptions& options,
                                             const std::vector<float>* initial_layout) {
  std::vector<std::string> problems;
  if (n < 2) problems.push_back(describe("n", n, "points: t-SNE needs at least 2"));
  if (n > kMaxPoints) problems.push_back(describe("n", n, "points: at most 2^31 - 1 are supported"));
  if (dim < 1) problems.push_back(describe("dim", dim, "features: must be at least 1"));
  if (!data && n > 0 && dim > 0) problems.emplace_back("data is null");
  if (data && n > 0 && dim > 0) {
    const std::string bad = first_non_finite(data, n, dim, "data");
    if (!bad.empty()) problems.push_back("features must be finite, but " + bad);
  }
  if (!(options.perplexity > 0.0) || !std::isfinite(options.perplexity))
    problems.push_back(describe("perplexity", options.perplexity, "must be a positive number"));
  else if (options.perplexity >= double(n))
    problems.push_back(describe("perplexity", options.perplexity,
                                "must be less than the number of points (" + std::to_string(n) + ")"));
  if (!(options.theta >= 0.0) || !std::isfinite(options.theta))
    problems.push_back(describe("theta", options.theta, "must be at least 0"));
  if (options.iterations < 1) problems.push_back(describe("iterations", options.iterations, "must be at least 1"));
  if (!(options.learning_rate >= 0.0) || !std::isfinite(options.learning_rate))
    problems.push_back(describe("learning_rate", options.learning_rate, "must be at least 0 (0 = auto)"));
  if (!(options.exaggeration >= 1.0) || !std::isfinite(options.exaggeration))
    problems.push_back(describe("exaggeration", options.exaggeration, "must be at least 1"));
  if (options.exaggeration_iterations < 0)
    problems.push_back(describe("exaggeration_iterations", options.exaggeration_iterations, "must be at least 0"));
  if (options.threads < 0) problems.push_back(describe("threads", options.threads, "must be at least 0 (0 = all)"));
  if (options.snapshot_every < 0)
    problems.push_back(describe("snapshot_every", options.snapshot_every, "must be at least 0 (0 = only at the end)"));
  if (initial_layout) {
    if (int64_t(initial_layout->size()) != 2 * n)
      problems.push_back(describe("initial layout size", initial_layout->size(),
                                  "must be n x 2 = " + std::to_string(2 * n)));
    else if (const std::string bad = first_non_finite(initial_layout->data(), n, 2, "initial_layout"); !bad.empty())
      problems.push_back("initial coordinates must be finite, but " + bad);
  }
  return problems;
}

void check_tsne_input(const float* data, int64_t n, int64_t dim, const TsneOptions& options,
                      const std::vector<float>* initial_layout) {
  const auto problems = tsne_input_problems(data, n, dim, options, initial_layout);
  if (problems.empty()) return;
  std::string message = "invalid t-SNE input: ";
  for (size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
  throw std::invalid_argument(message);
}

int neighbour_count(int64_t n, double perplexity) {
  return int(std::min<double>(double(n - 1), std::floor(3.0 * perplexity + 1.0)));
}

}  // namespace moco::tsne
