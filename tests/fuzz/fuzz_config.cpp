// Configuration files and --set values: the bytes up to the first NUL are config.json, read as
// moco-train --config reads it; each further NUL-separated part is one --set key=value. A refusal
// must be std::invalid_argument (what the CLI reports), naming the file for the JSON part; validate()
// never throws; a configuration that validates survives a JSON round trip unchanged.
#include <stdexcept>
#include <string>
#include <vector>

#include "api/config.h"
#include "fuzz_target.h"

namespace moco::fuzz {

namespace {
// The parts of one input: config.json, then --set values, NUL-separated.
std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(1, '\0') : std::string()) + parts[i];
  return out;
}
}  // namespace

void write_seeds(const std::string& dir) {
  for (const auto& name : preset_names()) write_file(dir + "/" + name + ".json", to_json(preset_by_name(name)));
  write_file(dir + "/overrides",
             joined({to_json(preset_v2()), "moco.momentum=0.999", "optim.milestones=0.5,0.75", "model.head=linear"}));
  write_file(dir + "/partial", joined({"{\"moco\": {\"queue_size\": 16384, \"temperature\": 0.07}}", "run.steps=10"}));
  write_file(dir + "/wrong-kind", "{\"optim\": {\"batch_size\": \"many\"}}");
}

}  // namespace moco::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moco::fuzz;
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t end = input.find('\0', start);
    parts.push_back(input.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  const std::string path = scratch_dir() + "/config.json";
  write_file(path, parts[0]);
  moco::Config config;
  try {
    config = moco::load_config_file(path);
  } catch (const std::invalid_argument& e) {
    expect_named_refusal(e, path);
    return 0;
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    try {
      moco::apply_overrides(config, {parts[i]});
    } catch (const std::invalid_argument& e) {
      if (std::string(e.what()).empty()) finding("--set refused with an empty message");
    }
  }
  if (!moco::validate(config).empty()) return 0;
  const std::string json = moco::to_json(config);
  std::string again;
  try {
    again = moco::to_json(moco::config_from_json(json));
  } catch (const std::exception& e) {
    finding(std::string("a valid configuration does not read back from its own JSON: ") + e.what() + "\n" + json);
  }
  if (again != json) finding("a valid configuration changes in a JSON round trip:\n" + json + "\n---\n" + again);
  return 0;
}
