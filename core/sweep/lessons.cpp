// Lessons (api/lessons.h): the compiled-in lesson files read into sweep plans, and a plan's GPU size.
#include "api/lessons.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sweep/lessons.h"

namespace moco {
namespace {

// Ordered, so that a lesson's assignments apply in the order the file writes them.
using nlohmann::ordered_json;

// Reads one lesson file; every error names the lesson and the key at fault.
class LessonReader {
 public:
  explicit LessonReader(std::string lesson) : lesson_(std::move(lesson)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw std::invalid_argument("lesson '" + lesson_ + "': \"" + key + "\" " + what);
  }

  // `where` is the path of `in` in the file, for the message ("sweep[0].variants[1].").
  std::string text(const ordered_json& in, const std::string& key, const std::string& where = "") const {
    if (!in.contains(key)) fail(where + key, "is missing");
    if (!in.at(key).is_string() || in.at(key).get<std::string>().empty()) fail(where + key, "must be a non-empty string");
    return in.at(key).get<std::string>();
  }

  int64_t count(const ordered_json& in, const std::string& key, int64_t fallback, int64_t minimum) const {
    if (!in.contains(key)) return fallback;
    if (!in.at(key).is_number_integer() || in.at(key).get<int64_t>() < minimum)
      fail(key, "must be a whole number >= " + std::to_string(minimum) + ", got " + in.at(key).dump());
    return in.at(key).get<int64_t>();
  }

  // A value as --set takes it: a string as written, a number or true/false as JSON writes it.
  std::string value_text(const ordered_json& value, const std::string& key) const {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number() || value.is_boolean()) return value.dump();
    fail(key, "must be a string, a number or true/false, got " + value.dump());
  }

  // {"moco.momentum": "0.9", ...} in the file's order.
  std::vector<std::pair<std::string, std::string>> assignments(const ordered_json& in, const std::string& key) const {
    if (!in.is_object()) fail(key, "must be an object of field: value");
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [field, value] : in.items()) out.emplace_back(field, value_text(value, key + "." + field));
    return out;
  }

  SweepAxis axis(const ordered_json& in, const std::string& where) const {
    if (!in.is_object()) fail(where, "must be an object with \"key\" and \"values\" or \"variants\"");
    for (const auto& [key, value] : in.items())
      if (key != "key" && key != "values" && key != "variants") fail(where + "." + key, "is not a sweep axis key");
    SweepAxis axis{text(in, "key", where + "."), {}, {}};
    const bool variants = in.contains("variants");
    if (variants == in.contains("values")) fail(where, "needs either \"values\" or \"variants\"");
    const auto& list = in.at(variants ? "variants" : "values");
    const std::string list_key = where + "." + (variants ? "variants" : "values");
    if (!list.is_array() || list.empty()) fail(list_key, "must be a non-empty array");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string item_key = list_key + "[" + std::to_string(i) + "]";
      if (!variants) {
        axis.values.push_back(value_text(list[i], item_key));
        continue;
      }
      if (!list[i].is_object() || !list[i].contains("set")) fail(item_key, "must be {\"name\": ..., \"set\": {...}}");
      for (const auto& [key, value] : list[i].items())
        if (key != "name" && key != "set") fail(item_key + "." + key, "is not a variant key (name, set)");
      axis.values.push_back(text(list[i], "name", item_key + "."));
      axis.variants.push_back(assignments(list[i].at("set"), item_key + ".set"));
    }
    return axis;
  }

 private:
  std::string lesson_;
};

// The keys a lesson file may hold (api/lessons.h): a misspelt one is an error, not silently ignored.
const std::vector<std::string> kLessonKeys = {"name",  "title", "look_for", "paper", "ours",      "preset",    "set",
                                              "sweep", "seeds", "steps",    "eval_every", "eval_bank", "eval_test", "gpu_scale"};

// "run.total_steps" assignments of a plan's base, field axes and variants, each × `scale`.
void scale_total_steps(SweepPlan& plan, int64_t scale) {
  const auto scaled = [&](const std::string& steps) {
    try {
      return std::to_string(std::stoll(steps) * scale);
    } catch (const std::exception&) {
      throw std::invalid_argument("lesson '" + plan.lesson + "': run.total_steps '" + steps + "' is not a whole number");
    }
  };
  plan.base.run.total_steps *= scale;
  for (auto& axis : plan.axes) {
    if (axis.key == "run.total_steps" && !axis.is_variant_axis())
      for (auto& value : axis.values) value = scaled(value);
    for (auto& variant : axis.variants)
      for (auto& [key, value] : variant)
        if (key == "run.total_steps") value = scaled(value);
  }
}

}  // namespace

Lesson lesson_from_json(const std::string& name, const std::string& text) {
  const LessonReader reader(name);
  ordered_json in;
  try {
    in = ordered_json::parse(text);
  } catch (const ordered_json::parse_error& e) {
    throw std::invalid_argument("lesson '" + name + "': not JSON: " + e.what());
  }
  if (!in.is_object()) throw std::invalid_argument("lesson '" + name + "': not a JSON object");
  for (const auto& [key, value] : in.items())
    if (std::find(kLessonKeys.begin(), kLessonKeys.end(), key) == kLessonKeys.end()) reader.fail(key, "is not a lesson key");
  if (in.contains("name") && reader.text(in, "name") != name) reader.fail("name", "differs from the file's name");

  Lesson lesson;
  lesson.name = name;
  lesson.title = reader.text(in, "title");
  lesson.look_for = reader.text(in, "look_for");
  lesson.paper = reader.text(in, "paper");
  lesson.ours = in.contains("ours") ? reader.text(in, "ours") : "not measured yet";
  lesson.gpu_scale = reader.count(in, "gpu_scale", 1, 1);

  SweepPlan& plan = lesson.plan;
  plan.lesson = name;
  const std::string preset = in.contains("preset") ? reader.text(in, "preset") : "v2";
  try {
    plan.base = preset_by_name(preset);
  } catch (const std::invalid_argument& e) {
    reader.fail("preset", e.what());
  }
  if (in.contains("set"))
    for (const auto& [key, value] : reader.assignments(in.at("set"), "set")) {
      try {
        set_config_value(plan.base, key, value);
      } catch (const std::invalid_argument& e) {
        reader.fail("set." + key, e.what());
      }
    }
  if (!in.contains("sweep") || !in.at("sweep").is_array() || in.at("sweep").empty())
    reader.fail("sweep", "must be a non-empty array of axes");
  for (size_t i = 0; i < in.at("sweep").size(); ++i)
    plan.axes.push_back(reader.axis(in.at("sweep")[i], "sweep[" + std::to_string(i) + "]"));
  plan.seeds = reader.count(in, "seeds", 1, 1);
  plan.steps = reader.count(in, "steps", 0, 0);
  plan.eval_every = reader.count(in, "eval_every", 0, 0);
  plan.eval_bank = reader.count(in, "eval_bank", 0, 0);
  plan.eval_test = reader.count(in, "eval_test", 0, 0);
  return lesson;
}

std::vector<std::string> lesson_names() {
  std::vector<std::string> names;
  for (const auto& lesson : lessons::kLessons) names.push_back(lesson.name);
  return names;
}

Lesson lesson_by_name(const std::string& name) {
  std::string known;
  for (const auto& lesson : lessons::kLessons) {
    if (lesson.name == name) return lesson_from_json(name, lesson.json);
    known += (known.empty() ? "" : ", ") + std::string(lesson.name);
  }
  throw std::invalid_argument("unknown lesson '" + name + "' (lessons: " + known + ")");
}

SweepPlan lesson_plan(const Lesson& lesson, bool gpu) {
  SweepPlan plan = lesson.plan;
  if (!gpu) return plan;
  plan.steps *= lesson.gpu_scale;
  scale_total_steps(plan, lesson.gpu_scale);
  plan.eval_bank = 0;  // a GPU evaluates on the whole splits in seconds
  plan.eval_test = 0;
  return plan;
}

}  // namespace moco
