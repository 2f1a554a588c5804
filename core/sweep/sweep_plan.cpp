// sweep.json: the plan a sweep folder was started with, and what a rerun changes in it.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "api/sweep.h"

namespace moco {
namespace {

using nlohmann::json;

// A field axis as {"key", "values"}; a variant axis as {"key", "variants": [{"name", "set": [[key, value], ...]}]}
// (pairs, not an object, so that the assignments keep their order).
json axes_json(const std::vector<SweepAxis>& axes) {
  json out = json::array();
  for (const auto& axis : axes) {
    if (!axis.is_variant_axis()) {
      out.push_back({{"key", axis.key}, {"values", axis.values}});
      continue;
    }
    json variants = json::array();
    for (size_t i = 0; i < axis.values.size(); ++i) variants.push_back({{"name", axis.values[i]}, {"set", axis.variants[i]}});
    out.push_back({{"key", axis.key}, {"variants", variants}});
  }
  return out;
}

SweepAxis axis_from_json(const json& in) {
  SweepAxis axis{in.at("key"), {}, {}};
  if (!in.contains("variants")) {
    axis.values = in.at("values").get<std::vector<std::string>>();
    return axis;
  }
  for (const auto& variant : in.at("variants")) {
    axis.values.push_back(variant.at("name"));
    axis.variants.push_back(variant.at("set").get<std::vector<std::pair<std::string, std::string>>>());
  }
  return axis;
}

// The plan's fields besides the base config, by the name sweep.json gives them.
json settings_json(const SweepPlan& plan) {
  return {{"lesson", plan.lesson},         {"axes", axes_json(plan.axes)},  {"seeds", plan.seeds},
          {"steps", plan.steps},           {"eval_every", plan.eval_every}, {"eval_bank", plan.eval_bank},
          {"eval_test", plan.eval_test}};
}

// "/moco/momentum" (a flattened JSON pointer) as the dotted key --set takes.
std::string dotted(std::string pointer) {
  for (auto& ch : pointer)
    if (ch == '/') ch = '.';
  return pointer.substr(1);
}

}  // namespace

std::string to_json(const SweepPlan& plan) {
  json out = settings_json(plan);
  out["base"] = json::parse(to_json(plan.base));
  return out.dump(2);
}

SweepPlan sweep_plan_from_json(const std::string& text) {
  try {
    const json in = json::parse(text);
    SweepPlan plan;
    plan.base = config_from_json(in.at("base").dump());
    plan.lesson = in.value("lesson", "");  // absent from sweeps written before lessons existed
    for (const auto& axis : in.at("axes")) plan.axes.push_back(axis_from_json(axis));
    plan.seeds = in.at("seeds");
    plan.steps = in.at("steps");
    plan.eval_every = in.at("eval_every");
    plan.eval_bank = in.at("eval_bank");
    plan.eval_test = in.at("eval_test");
    return plan;
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("not a sweep plan: ") + e.what());
  }
}

std::vector<std::string> plan_differences(const SweepPlan& saved, const SweepPlan& now) {
  std::vector<std::string> differences;
  const auto differ = [&](const std::string& what, const json* before, const json* after) {
    differences.push_back(what + ": " + (before ? before->dump() : "absent") + " in sweep.json, " +
                          (after ? after->dump() : "absent") + " now");
  };
  const json saved_settings = settings_json(saved), now_settings = settings_json(now);
  for (const auto& [key, value] : saved_settings.items())
    if (value != now_settings[key]) differ(key, &value, &now_settings[key]);
  // Field by field, so that the message names the one --set that changed.
  const json saved_base = json::parse(to_json(saved.base)).flatten(), now_base = json::parse(to_json(now.base)).flatten();
  for (const auto& [path, value] : saved_base.items()) {
    const auto other = now_base.find(path);
    if (other == now_base.end() || *other != value)
      differ("base config " + dotted(path), &value, other == now_base.end() ? nullptr : &*other);
  }
  for (const auto& [path, value] : now_base.items())
    if (!saved_base.contains(path)) differ("base config " + dotted(path), nullptr, &value);
  return differences;
}

}  // namespace moco
