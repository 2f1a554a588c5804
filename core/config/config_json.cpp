// JSON form of Config. Field lists live once, in the macros below; unknown keys and mistyped
// values are found by comparing the input with the JSON of a default Config.
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "api/config.h"

namespace moco {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DataConfig, dataset, path, synthetic_per_class, synthetic_size,
                                                train_limit, test_limit)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ModelConfig, encoder, head, feature_dim, width)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MocoParams, queue_size, momentum, temperature, symmetric, bn_splits)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OptimConfig, batch_size, lr, schedule, milestones, warmup_steps,
                                                sgd_momentum, weight_decay)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TransformConfig, crop, crop_scale_min, crop_scale_max, crop_ratio_min,
                                                crop_ratio_max, output_size, flip_p, jitter_p, brightness, contrast,
                                                saturation, hue, grayscale_p, blur_p, blur_sigma_min, blur_sigma_max,
                                                normalize)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RunConfig, epochs, total_steps, seed, device, threads, checkpoint_every)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Config, preset, data, model, moco, optim, augment, run)

namespace {

using nlohmann::json;

const char* kind_of(const json& j) {
  if (j.is_boolean()) return "a boolean";
  if (j.is_number_integer()) return "an integer";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  if (j.is_object()) return "an object";
  return "null";
}

// Throws when `input` holds a key the reference lacks or a value of another kind.
void check_against(const json& input, const json& reference, const std::string& path) {
  if (reference.is_object()) {
    if (!input.is_object()) throw std::invalid_argument(path + ": expected an object, got " + kind_of(input));
    for (auto it = input.begin(); it != input.end(); ++it) {
      const std::string key = path.empty() ? it.key() : path + "." + it.key();
      if (!reference.contains(it.key())) throw std::invalid_argument("unknown configuration key '" + key + "'");
      check_against(it.value(), reference.at(it.key()), key);
    }
    return;
  }
  const bool ok = (reference.is_boolean() && input.is_boolean()) ||
                  (reference.is_number_integer() && input.is_number_integer()) ||
                  (reference.is_number_float() && input.is_number()) ||
                  (reference.is_string() && input.is_string()) ||
                  (reference.is_array() && input.is_array());
  if (!ok)
    throw std::invalid_argument(path + ": expected " + std::string(kind_of(reference)) + ", got " + kind_of(input) +
                                " (" + input.dump() + ")");
  if (reference.is_array())
    for (const auto& e : input)
      if (!e.is_number()) throw std::invalid_argument(path + ": expected numbers in the array, got " + e.dump());
  if (reference.is_number_unsigned() && input.is_number_integer() && input.get<int64_t>() < 0)
    throw std::invalid_argument(path + ": must not be negative, got " + input.dump());
}

}  // namespace

std::string to_json(const Config& config) { return json(config).dump(2); }

bool is_live_field(const std::string& key) {
  static const char* const live[] = {"moco.momentum", "moco.temperature", "optim.lr"};
  for (const char* name : live)
    if (key == name) return true;
  return key.rfind("augment.", 0) == 0;  // every augmentation field: the views are drawn per step
}

void copy_live_fields(const Config& from, Config& to) {
  const json source = json(from).flatten();  // {"/moco/momentum": 0.99, ...}
  json target = json(to);
  for (const auto& [pointer, value] : source.items()) {
    std::string key = pointer.substr(1);  // "/moco/momentum" -> "moco.momentum"
    std::replace(key.begin(), key.end(), '/', '.');
    if (is_live_field(key)) target[json::json_pointer(pointer)] = value;
  }
  to = target.get<Config>();
}

Config config_from_json(const std::string& text) {
  json input;
  try {
    input = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::invalid_argument(std::string("configuration is not valid JSON: ") + e.what());
  }
  const json reference = json(Config{});
  check_against(input, reference, "");
  json merged = reference;
  merged.merge_patch(input);
  return merged.get<Config>();
}

Config load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot open configuration file '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return config_from_json(buffer.str());
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path + ": " + e.what());
  }
}

void set_config_value(Config& config, const std::string& dotted_key, const std::string& value) {
  json current = json(config);
  json::json_pointer pointer;
  std::stringstream parts(dotted_key);
  std::string part;
  while (std::getline(parts, part, '.')) pointer /= part;
  if (dotted_key.empty() || !current.contains(pointer))
    throw std::invalid_argument("unknown configuration key '" + dotted_key + "'");
  json parsed;
  if (current[pointer].is_string()) {
    parsed = value;
  } else {
    try {
      parsed = json::parse(value);
    } catch (const json::parse_error&) {
      throw std::invalid_argument(dotted_key + ": cannot read '" + value + "' as " + kind_of(current[pointer]));
    }
  }
  json merged = current;
  merged[pointer] = parsed;
  config = config_from_json(merged.dump());
}

}  // namespace moco
