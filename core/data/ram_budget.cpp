#include "data/ram_budget.h"

#include <cstdlib>
#include <stdexcept>

#include "api/datasets.h"
#include "api/memory.h"

namespace moco {
namespace {

constexpr int64_t kMiB = 1024 * 1024;

std::string mib(int64_t bytes) { return std::to_string((bytes + kMiB - 1) / kMiB) + " MiB"; }

}  // namespace

int64_t ram_budget_bytes() {
  if (const char* env = std::getenv("MOCO_RAM_BUDGET_MB"); env && *env) {
    char* end = nullptr;
    const long long mb = std::strtoll(env, &end, 10);
    if (end && *end == '\0' && mb > 0) return int64_t(mb) * kMiB;
  }
  // Half the physical memory: the model, the augmented batches and the rest of the desktop need
  // the other half.
  const auto physical = machine_memory_bytes();  // what validation's memory estimate is held against
  if (!physical || *physical <= 0) return int64_t(4096) * kMiB;  // unknown: a modest 4 GiB
  return *physical / 2;
}

int64_t decoded_bytes(int64_t images, int64_t side) { return images * 3 * side * side; }

void check_ram_budget(const std::string& what, int64_t images, int64_t side) {
  const int64_t needed = decoded_bytes(images, side), budget = ram_budget_bytes();
  if (needed <= budget) return;
  throw std::runtime_error(what + ": " + std::to_string(images) + " images of " + std::to_string(side) + " x " +
                           std::to_string(side) + " x 3 need " + mib(needed) + " in memory, over the budget of " +
                           mib(budget) + " (half the physical memory, or MOCO_RAM_BUDGET_MB); lower data.image_size "
                           "or data.train_limit");
}

}  // namespace moco
