// JSON form of Config, --set and the live fields, all read off the field table
// (config/field_table.cpp): a key the table lacks is unknown, a value of another kind is refused.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "api/config.h"
#include "config/field_table.h"

namespace moco {
namespace {

using detail::field_entries;
using nlohmann::json;

json::json_pointer pointer_of(const std::string& dotted_key) {
  std::string path = "/" + dotted_key;
  for (auto& ch : path)
    if (ch == '.') ch = '/';
  return json::json_pointer(path);
}

// Sets every field `input` holds (nested objects, dotted path `prefix`); throws naming the key.
void apply(const json& input, const std::string& prefix, Config& config) {
  if (!input.is_object())
    throw std::invalid_argument((prefix.empty() ? std::string("configuration") : prefix) + ": expected an object, got " +
                                detail::kind_of(input));
  for (auto it = input.begin(); it != input.end(); ++it) {
    const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (const auto* entry = detail::find_entry(key)) {
      entry->set(config, it.value());
      continue;
    }
    bool section = false;
    for (const auto& e : field_entries()) section = section || e.spec.key.rfind(key + ".", 0) == 0;
    if (!section) throw std::invalid_argument("unknown configuration key '" + key + "'");
    apply(it.value(), key, config);
  }
}

}  // namespace

std::string to_json(const Config& config) {
  json out = json::object();
  for (const auto& e : field_entries()) out[pointer_of(e.spec.key)] = e.get(config);
  return out.dump(2);
}

Config config_from_json(const std::string& text) {
  json input;
  try {
    input = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::invalid_argument(std::string("configuration is not valid JSON: ") + e.what());
  }
  Config config;  // keys the input lacks keep their defaults
  apply(input, "", config);
  return config;
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
  const auto* entry = detail::find_entry(dotted_key);
  if (!entry) throw std::invalid_argument("unknown configuration key '" + dotted_key + "'");
  json parsed;
  if (entry->spec.kind == FieldKind::Text || entry->spec.kind == FieldKind::Choice) {
    parsed = value;
  } else {
    try {
      parsed = json::parse(value);
    } catch (const json::parse_error&) {
      throw std::invalid_argument(dotted_key + ": cannot read '" + value + "' as " + detail::kind_of(entry->get(config)));
    }
  }
  entry->set(config, parsed);
}

void apply_overrides(Config& config, const std::vector<std::string>& key_values) {
  for (const auto& assignment : key_values) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("--set expects key=value, got '" + assignment + "'");
    set_config_value(config, assignment.substr(0, eq), assignment.substr(eq + 1));
  }
}

bool same_data(const DataConfig& a, const DataConfig& b) {
  Config x, y;
  x.data = a;
  y.data = b;
  for (const auto& e : field_entries())
    if (e.spec.key.rfind("data.", 0) == 0 && e.get(x) != e.get(y)) return false;
  return true;
}

bool is_live_field(const std::string& key) {
  const auto* entry = detail::find_entry(key);
  return entry && entry->spec.live;
}

void copy_live_fields(const Config& from, Config& to) {
  for (const auto& e : field_entries())
    if (e.spec.live) e.set(to, e.get(from));
}

}  // namespace moco
