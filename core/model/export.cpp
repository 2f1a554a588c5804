#include "model/export.h"

#include <ATen/core/Dict.h>
#include <torch/serialize.h>

#include "api/files.h"

namespace moco {

void export_state_dict(EncoderImpl& encoder, const std::string& path, const std::string& prefix) {
  c10::Dict<std::string, at::Tensor> state;
  for (const auto& item : encoder.named_parameters()) state.insert(prefix + item.key(), item.value().detach().cpu());
  for (const auto& item : encoder.named_buffers()) state.insert(prefix + item.key(), item.value().detach().cpu());
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(state));
  write_file(path, std::string_view(bytes.data(), bytes.size()));
}

}  // namespace moco
