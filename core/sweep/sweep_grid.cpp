// A sweep's grid: "key=a,b,c" parsed, the cartesian product expanded into named, validated arms.
// A field axis sets its key to each value; a variant axis applies each variant's assignments.
#include <cctype>
#include <set>
#include <stdexcept>

#include "api/sweep.h"

namespace moco {
namespace {

// Run folder names stay portable: anything but letters, digits and . = , + - _ becomes '_'
// (data.path=/data/x would otherwise nest folders).
std::string folder_safe(const std::string& text) {
  std::string safe = text;
  for (auto& ch : safe)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && std::string(".=,+-_").find(ch) == std::string::npos) ch = '_';
  return safe;
}

// Most file systems allow 255 bytes a name; the rest is left for a temporary suffix.
constexpr size_t kMaxArmNameLength = 200;

// A variant axis names one group of assignments per value; the names become part of arm names,
// where ',' and '=' separate the axes.
void check_variants(const SweepAxis& axis) {
  if (axis.variants.size() != axis.values.size())
    throw std::invalid_argument("variant axis " + axis.key + ": " + std::to_string(axis.values.size()) + " names for " +
                                std::to_string(axis.variants.size()) + " variants");
  for (const auto& name : axis.values)
    if (name.find_first_of(",=") != std::string::npos)
      throw std::invalid_argument("variant axis " + axis.key + ": the name '" + name +
                                  "' holds ',' or '=', which separate the parts of an arm's name");
}

// Value i of the axis applied to `config` as --set applies it; throws naming the axis, value and field.
void apply_axis_value(Config& config, const SweepAxis& axis, size_t i) {
  const std::string& value = axis.values[i];
  if (!axis.is_variant_axis()) {
    try {
      set_config_value(config, axis.key, value);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("--sweep " + axis.key + "=" + value + ": " + e.what());
    }
    return;
  }
  for (const auto& [key, field_value] : axis.variants[i]) {
    const std::string where = "variant axis " + axis.key + "=" + value + ": " + key + "=" + field_value;
    if (key == "run.seed") throw std::invalid_argument(where + ": every arm's seed comes from --seeds");
    try {
      set_config_value(config, key, field_value);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + ": " + e.what());
    }
  }
}

}  // namespace

SweepAxis parse_sweep_axis(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw std::invalid_argument("--sweep expects key=value,value,..., got '" + text + "'");
  SweepAxis axis{text.substr(0, eq), {}, {}};
  std::string value;
  int depth = 0;  // inside [...] a comma belongs to the value
  for (const char ch : text.substr(eq + 1)) {
    if (ch == ',' && depth == 0) {
      axis.values.push_back(value);
      value.clear();
      continue;
    }
    depth += ch == '[' ? 1 : ch == ']' ? -1 : 0;
    value += ch;
  }
  axis.values.push_back(value);
  for (const auto& v : axis.values)
    if (v.empty()) throw std::invalid_argument("--sweep " + text + ": an empty value");
  return axis;
}

std::vector<SweepArm> expand_sweep(const SweepPlan& plan) {
  if (plan.seeds < 1) throw std::invalid_argument("--seeds must be at least 1, got " + std::to_string(plan.seeds));
  std::set<std::string> keys;
  for (const auto& axis : plan.axes) {
    if (axis.key == "run.seed") throw std::invalid_argument("--sweep run.seed: give the number of seeds with --seeds instead");
    if (!keys.insert(axis.key).second) throw std::invalid_argument("--sweep " + axis.key + " is given twice");
    if (axis.values.empty()) throw std::invalid_argument("--sweep " + axis.key + " has no values");
    if (axis.is_variant_axis()) check_variants(axis);
    for (size_t i = 0; i < axis.values.size(); ++i) {  // every key and value checked before the grid grows
      Config probe = plan.base;
      apply_axis_value(probe, axis, i);
    }
  }

  std::vector<SweepArm> arms;
  std::set<std::string> names;
  std::vector<size_t> index(plan.axes.size(), 0);  // an odometer over the axes, last one fastest
  while (true) {
    Config setting_config = plan.base;
    std::string setting;
    for (size_t a = 0; a < plan.axes.size(); ++a) {
      apply_axis_value(setting_config, plan.axes[a], index[a]);
      setting += (setting.empty() ? "" : ",") + plan.axes[a].key + "=" + plan.axes[a].values[index[a]];
    }
    for (int64_t seed = 0; seed < plan.seeds; ++seed) {
      SweepArm arm;
      arm.setting = setting.empty() ? "base" : folder_safe(setting);
      arm.name = folder_safe(setting.empty() ? "seed=" + std::to_string(seed) : setting + ",seed=" + std::to_string(seed));
      arm.seed = static_cast<uint64_t>(seed);
      arm.config = setting_config;
      arm.config.run.seed = arm.seed;
      if (arm.name.size() > kMaxArmNameLength)
        throw std::invalid_argument("arm '" + arm.name + "': the name is too long for a folder; sweep fewer or shorter values");
      if (!names.insert(arm.name).second)
        throw std::invalid_argument("arm '" + arm.name + "' appears twice (a value repeated, or two that differ only in "
                                    "characters a folder name cannot hold)");
      if (const auto issues = validate(arm.config); !issues.empty())
        throw std::invalid_argument("arm '" + arm.name + "' is not a valid configuration:\n" + describe(issues));
      arms.push_back(std::move(arm));
    }
    size_t a = plan.axes.size();
    while (a > 0 && ++index[a - 1] == plan.axes[a - 1].values.size()) index[--a] = 0;
    if (a == 0) break;
  }
  return arms;
}

}  // namespace moco
