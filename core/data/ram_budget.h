// How much memory a decoded image set may take, checked before anything is decoded or read, so a
// folder too large for this machine fails at once with the figures instead of swapping.
#pragma once

#include <cstdint>
#include <string>

namespace moco {

// Bytes of `images` RGB images of side x side uint8 pixels.
int64_t decoded_bytes(int64_t images, int64_t side);

// Throws std::runtime_error when `images` images of side x side x 3 bytes exceed
// ram_budget_bytes() (api/datasets.h); the message names `what` and gives every figure.
void check_ram_budget(const std::string& what, int64_t images, int64_t side);

}  // namespace moco
