// Checkpoint loading (LibTorch's archive reader, then our checks): the bytes become checkpoint.pt,
// read as `moco-train --resume` does — its configuration first, then the whole state into a trainer
// of the tests' tiny configuration. A refusal must be std::runtime_error or std::invalid_argument
// naming the file; a checkpoint that loads leaves a trainer that can take a step.
#include <memory>
#include <stdexcept>
#include <string>

#include "../tiny_config.h"
#include "data/dataset.h"
#include "fuzz_target.h"
#include "train/trainer.h"

namespace moco::fuzz {
namespace {

std::shared_ptr<const ImageDataset> tiny_dataset(const Config& config) {
  static const auto dataset = std::make_shared<const ImageDataset>(load_dataset(config.data));
  return dataset;
}

void write_checkpoint(const std::string& path, Config config, int steps) {
  Trainer trainer(config, tiny_dataset(config));
  for (int i = 0; i < steps; ++i) trainer.step();
  trainer.save_checkpoint(path);
}

}  // namespace

void write_seeds(const std::string& dir) {
  torch::set_num_threads(1);
  Config config = test::tiny_config();
  write_checkpoint(dir + "/queue.pt", config, 2);
  write_checkpoint(dir + "/fresh.pt", config, 0);
}

}  // namespace moco::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moco::fuzz;
  static const bool one_thread = (torch::set_num_threads(1), true);
  (void)one_thread;
  const std::string path = scratch_dir() + "/checkpoint.pt";
  write_file(path, data, size);
  const moco::Config config = moco::test::tiny_config();
  expect_success_or_named_refusal(
      [&] {
        moco::read_checkpoint_config(path);
        moco::Trainer trainer(config, tiny_dataset(config));
        trainer.load_checkpoint(path);
        try {
          trainer.step();
        } catch (const moco::NonFiniteLossError&) {
          // Stored weights can hold NaN; refusing the step is the designed answer.
        }
      },
      path);
  return 0;
}
