// Export of a trained encoder for the Python ecosystem.
#pragma once

#include <string>

#include "model/encoders.h"

namespace moco {

// Writes the encoder's state dict (parameters and buffers, on the CPU) with torch::pickle_save:
// `torch.load(path)` in Python returns a plain dict whose keys follow torchvision's names
// (conv1.weight, layer1.0.bn1.running_mean, fc.0.weight ...), i.e. the reference's encoder_q.
// `prefix` is prepended to every key (e.g. "module.encoder_q." for the reference's checkpoints).
void export_state_dict(EncoderImpl& encoder, const std::string& path, const std::string& prefix = "");

}  // namespace moco
