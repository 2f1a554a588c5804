// Run folders as the workbench and moco-train open them: the bytes, split at NUL bytes, become
// config.json, metrics.csv and metrics.jsonl of one folder, read by RunFolder::read. A refusal must
// be std::runtime_error or std::invalid_argument naming a file of the folder.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "../tiny_config.h"
#include "api/run_folder.h"
#include "fuzz_target.h"

namespace moco::fuzz {
namespace {

const char* const kFiles[] = {RunFolder::kConfigFile, RunFolder::kMetricsCsvFile, RunFolder::kMetricsJsonlFile};

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

void write_seeds(const std::string& dir) {
  RunRecord record;
  record.config = test::tiny_config();
  for (int64_t step = 1; step <= 3; ++step) {
    StepMetrics m;
    m.step = step;
    m.loss = 4.0 - 0.1 * double(step);
    m.chance_loss = 4.17;
    m.queue_fill = double(step) / 4;
    m.steps_per_epoch = 8;
    record.metrics.push_back(m);
  }
  EvalReport eval;
  eval.step = 3;
  eval.knn.top1 = 0.5;
  record.evals.push_back(eval);
  const std::string folder = scratch_dir() + "/seed-run";
  RunFolder(folder).write(record);
  std::string joined;
  for (int i = 0; i < 3; ++i) joined += (i ? std::string(1, '\0') : std::string()) + read_whole(folder + "/" + kFiles[i]);
  write_file(dir + "/run", joined);
  write_file(dir + "/metrics-only", std::string(1, '\0') + read_whole(folder + "/" + kFiles[1]));
}

}  // namespace moco::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moco::fuzz;
  namespace fs = std::filesystem;
  const std::string folder = scratch_dir() + "/run";
  fs::remove_all(folder);
  fs::create_directories(folder);
  const std::string input(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  for (int i = 0; i < 3 && start <= input.size(); ++i) {
    const size_t end = input.find('\0', start);
    const std::string part = input.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!part.empty() || i == 0) write_file(folder + "/" + kFiles[i], part);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  expect_success_or_named_refusal([&] { moco::RunFolder(folder).read(); }, folder);
  return 0;
}
