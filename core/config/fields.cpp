// The public face of the field table (api/fields.h): specs, typed access by key, choice spellings.
#include <stdexcept>

#include "config/field_table.h"

namespace moco {

using detail::field_entries;
using nlohmann::json;

const std::vector<FieldSpec>& config_fields() {
  static const std::vector<FieldSpec> specs = [] {
    std::vector<FieldSpec> out;
    for (const auto& e : field_entries()) out.push_back(e.spec);
    return out;
  }();
  return specs;
}

const FieldSpec* find_field(const std::string& key) {
  const auto* entry = detail::find_entry(key);
  return entry ? &entry->spec : nullptr;
}

namespace {

const detail::FieldEntry& entry_of(const std::string& key) {
  const auto* entry = detail::find_entry(key);
  if (!entry) throw std::invalid_argument("unknown configuration key '" + key + "'");
  return *entry;
}

std::string choice_name(const char* key, size_t index) { return entry_of(key).spec.choices.at(index); }

}  // namespace

const FieldSpec& field_spec(const std::string& key) { return entry_of(key).spec; }

double field_number(const Config& config, const std::string& key) {
  const json value = entry_of(key).get(config);
  if (value.is_boolean()) return value.get<bool>() ? 1.0 : 0.0;
  if (!value.is_number()) throw std::invalid_argument(key + " is not a number field");
  return value.get<double>();
}

void set_field_number(Config& config, const std::string& key, double value) {
  const auto& entry = entry_of(key);
  switch (entry.spec.kind) {
    case FieldKind::Bool: entry.set(config, json(value != 0.0)); break;
    case FieldKind::Int: entry.set(config, json(int64_t(value))); break;
    case FieldKind::Real: entry.set(config, json(value)); break;
    default: throw std::invalid_argument(key + " is not a number field");
  }
}

std::string field_text(const Config& config, const std::string& key) {
  const json value = entry_of(key).get(config);
  if (!value.is_string()) throw std::invalid_argument(key + " is not a text or choice field");
  return value.get<std::string>();
}

void set_field_text(Config& config, const std::string& key, const std::string& value) {
  const auto& entry = entry_of(key);
  if (entry.spec.kind != FieldKind::Text && entry.spec.kind != FieldKind::Choice)
    throw std::invalid_argument(key + " is not a text or choice field");
  entry.set(config, json(value));
}

std::string to_string(DatasetName value) { return choice_name("data.dataset", size_t(value)); }
std::string to_string(EncoderArch value) { return choice_name("model.encoder", size_t(value)); }
std::string to_string(HeadType value) { return choice_name("model.head", size_t(value)); }
std::string to_string(LrSchedule value) { return choice_name("optim.schedule", size_t(value)); }
std::string to_string(DeviceChoice value) { return choice_name("run.device", size_t(value)); }
std::string to_string(Precision value) { return choice_name("run.precision", size_t(value)); }
std::string to_string(Mechanism value) { return choice_name("moco.mechanism", size_t(value)); }

}  // namespace moco
