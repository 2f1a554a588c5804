// The field table's entries with their accessors (JSON values in and out of a Config), for the
// config layer's own readers and writers. Everyone else reads api/fields.h.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/fields.h"

namespace moco::detail {

struct FieldEntry {
  FieldSpec spec;
  std::function<nlohmann::json(const Config&)> get;
  // Throws std::invalid_argument naming the key when `value` has the wrong type or is not a choice.
  std::function<void(Config&, const nlohmann::json& value)> set;
};

const std::vector<FieldEntry>& field_entries();
// Null when there is no field `key`.
const FieldEntry* find_entry(const std::string& key);

// "a number", "a string" ...: how an error message names a JSON value's kind.
const char* kind_of(const nlohmann::json& value);

}  // namespace moco::detail
