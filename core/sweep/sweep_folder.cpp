// A sweep folder on disk (the format is in api/sweep.h): its plan, the arms' run folders and
// finished markers, and the summary files.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "api/lessons.h"
#include "api/sweep.h"
#include "api/files.h"

namespace moco {
namespace {

namespace fs = std::filesystem;

// One measured quantity of the summary, as each file names and prints it.
struct Column {
  const char* csv_name;
  const char* title;
  double ArmResult::*arm_value;
  MeanSd SettingSummary::*setting_value;
  const char* format;  // printf format of one value as summary.md shows it
  double scale;        // fractions shown as percentages
};

const Column kColumns[] = {
    {"final_knn_top1", "final kNN top-1 %", &ArmResult::final_knn, &SettingSummary::final_knn, "%.2f", 100},
    {"best_knn_top1", "best kNN top-1 %", &ArmResult::best_knn, &SettingSummary::best_knn, "%.2f", 100},
    {"final_probe_top1", "linear probe top-1 %", &ArmResult::final_probe, &SettingSummary::final_probe, "%.2f", 100},
    {"final_loss", "final loss", &ArmResult::final_loss, &SettingSummary::final_loss, "%.4f", 1},
    {"wall_seconds", "wall time s", &ArmResult::wall_seconds, &SettingSummary::wall_seconds, "%.1f", 1},
};

std::string formatted(const char* format, double value) {
  if (std::isnan(value)) return "–";
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string csv_number(double value) {
  if (std::isnan(value)) return "";  // an empty cell reads as NaN in pandas and spreadsheets
  std::ostringstream out;
  out.precision(9);
  out << value;
  return out.str();
}

std::string summary_csv(const SweepSummary& summary) {
  std::string text = "arm,setting,seed,finished,steps";
  for (const auto& c : kColumns) text += std::string(",") + c.csv_name;
  text += "\n";
  for (const auto& arm : summary.arms) {
    // Arm names hold commas: quoted as RFC 4180 says (they hold no quotes).
    text += "\"" + arm.arm + "\",\"" + arm.setting + "\"," + std::to_string(arm.seed) + "," + (arm.finished ? "1" : "0") +
            "," + std::to_string(arm.steps);
    for (const auto& c : kColumns) text += "," + csv_number(arm.*c.arm_value);
    text += "\n";
  }
  return text;
}

std::string markdown_row(const std::vector<std::string>& cells) {
  std::string row = "|";
  for (const auto& cell : cells) row += " " + cell + " |";
  return row + "\n";
}

std::string markdown_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string text = markdown_row(header);
  text += markdown_row(std::vector<std::string>(header.size(), "---"));
  for (const auto& row : rows) text += markdown_row(row);
  return text;
}

// `heading`: "Sweep summary", or the title of the lesson the sweep runs.
std::string summary_markdown(const SweepSummary& summary, const std::string& heading) {
  std::vector<std::string> setting_header = {"setting", "arms"}, arm_header = {"arm", "steps"};
  for (const auto& c : kColumns) setting_header.push_back(c.title), arm_header.push_back(c.title);
  std::vector<std::vector<std::string>> setting_rows, arm_rows;
  for (const auto& s : summary.settings) {
    std::vector<std::string> row = {"`" + s.setting + "`", std::to_string(s.arms)};
    for (const auto& c : kColumns) {
      const MeanSd& v = s.*c.setting_value;
      row.push_back(formatted(c.format, c.scale * v.mean) + (std::isnan(v.sd) ? "" : " ± " + formatted(c.format, c.scale * v.sd)));
    }
    setting_rows.push_back(row);
  }
  for (const auto& a : summary.arms) {
    std::vector<std::string> row = {"`" + a.arm + "`", std::to_string(a.steps) + (a.finished ? "" : " (unfinished)")};
    for (const auto& c : kColumns) row.push_back(formatted(c.format, c.scale * (a.*c.arm_value)));
    arm_rows.push_back(row);
  }
  return "# " + heading + "\n\n"
         "kNN and linear probe: the arm's evaluations (the last, and the best of all); wall time: its training steps and "
         "evaluations.\n\n## Per setting (mean ± sd over seeds)\n\n" +
         markdown_table(setting_header, setting_rows) + "\n## Per arm\n\n" + markdown_table(arm_header, arm_rows);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

SweepFolder::SweepFolder(std::string path) : path_(std::move(path)) {}

std::string SweepFolder::file(const char* name) const { return (fs::path(path_) / name).string(); }

RunFolder SweepFolder::arm_folder(const SweepArm& arm) const { return RunFolder((fs::path(path_) / arm.name).string()); }

std::optional<SweepPlan> SweepFolder::read_plan() const {
  const std::string path = file(kPlanFile);
  if (!fs::exists(path)) return std::nullopt;
  try {
    return sweep_plan_from_json(read_text(path));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("'" + path + "': " + e.what());
  }
}

void SweepFolder::adopt_plan(const SweepPlan& plan) const {
  if (const auto saved = read_plan()) {
    const auto differences = plan_differences(*saved, plan);
    if (differences.empty()) return;
    std::string message = "'" + path_ + "' holds a sweep with other arguments (its " + kPlanFile +
                          "); rerun it with the same ones, or choose another --out. What differs:";
    for (const auto& d : differences) message += "\n  " + d;
    throw std::invalid_argument(message);
  }
  if (fs::exists(path_) && !fs::is_empty(path_))
    throw std::invalid_argument("'" + path_ + "' is not empty and holds no " + kPlanFile + ": choose another --out");
  RunFolder(path_).create();
  write_file(file(kPlanFile), to_json(plan) + "\n");
}

std::vector<SweepArm> SweepFolder::arms() const {
  const auto plan = read_plan();
  return plan ? expand_sweep(*plan) : std::vector<SweepArm>{};
}

bool SweepFolder::arm_finished(const SweepArm& arm) const { return fs::exists(arm_folder(arm).file(kArmFinishedFile)); }

void SweepFolder::mark_finished(const SweepArm& arm) const {
  write_file(arm_folder(arm).file(kArmFinishedFile), nlohmann::json{{"arm", arm.name}}.dump() + "\n");
}

SweepSummary SweepFolder::read_summary(const std::vector<SweepArm>& arms) const {
  std::vector<ArmResult> results;
  for (const auto& arm : arms) {
    const RunFolder folder = arm_folder(arm);
    if (folder.holds_run()) results.push_back(arm_result(arm, folder.read(), arm_finished(arm)));
  }
  return summarize(results);
}

void SweepFolder::write_summary(const SweepSummary& summary) const {
  write_file(file(kSummaryCsvFile), summary_csv(summary));
  std::string heading = "Sweep summary";
  if (const auto plan = read_plan(); plan && !plan->lesson.empty()) {
    try {
      heading = lesson_by_name(plan->lesson).title + " (lesson " + plan->lesson + ")";
    } catch (const std::invalid_argument&) {  // a lesson of another version of the program
      heading = "Lesson " + plan->lesson;
    }
  }
  write_file(file(kSummaryMdFile), summary_markdown(summary, heading));
}

}  // namespace moco
