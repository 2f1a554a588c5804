// session_driver: the workbench window's training session without Qt (bench/session_phases.h), for
// proving the window's path on a GPU machine that has no Qt. Prints one JSON object: the device,
// the steps trained, whether the workbench would offer CUDA there, every phase {name, ok, seconds,
// detail} and the session's Failed and Warning events; exits 1 when a phase failed, 2 when it could
// not start.
//
//   session_driver --device cuda --set data.dataset=fashion-mnist --set data.path=DIR --out OUT
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/analysis.h"
#include "api/config.h"
#include "api/files.h"
#include "session_phases.h"

namespace {
// The run's schedule: long enough that no phase sees the run finish (the phases stop it).
constexpr int64_t kScheduleSteps = 1000000;

const char* kind_name(moco::SessionEvent::Kind kind) {
  switch (kind) {
    case moco::SessionEvent::Kind::Started: return "started";
    case moco::SessionEvent::Kind::Finished: return "finished";
    case moco::SessionEvent::Kind::Stopped: return "stopped";
    case moco::SessionEvent::Kind::Failed: return "failed";
    case moco::SessionEvent::Kind::Warning: return "warning";
    case moco::SessionEvent::Kind::Saved: return "saved";
  }
  return "?";
}

nlohmann::json to_json(const moco::driver::DriverReport& report, const std::string& requested_device) {
  nlohmann::json phases = nlohmann::json::array(), events = nlohmann::json::array();
  for (const auto& p : report.phases)
    phases.push_back({{"name", p.name}, {"ok", p.ok}, {"seconds", p.seconds}, {"detail", p.detail}});
  for (const auto& e : report.problems) events.push_back({{"kind", kind_name(e.kind)}, {"message", e.message}});
  return {{"implementation", "moco-workbench"}, {"variant", "session_driver"}, {"ok", report.ok()},
          {"requested_device", requested_device}, {"device", report.device}, {"steps", report.steps},
          // What the workbench's device list asks before offering CUDA (ui/experiment_panel.cpp).
          {"cuda_available", moco::cuda_available()},
          {"phases", phases}, {"events", events}};
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Drives a training session as the workbench window does, without Qt, and reports each phase as JSON",
               "session_driver"};
  std::string device = "cpu", preset = "fashion-mnist-demo", out_dir = "session-driver";
  std::vector<std::string> sets;
  moco::driver::DriverOptions options;
  app.add_option("--device", device, "Training device")->check(CLI::IsMember({"cpu", "cuda", "auto"}))->capture_default_str();
  app.add_option("--preset", preset, "Experiment to start from (the window's default)")->capture_default_str();
  app.add_option("--set", sets, "key=value overrides, as moco-train (repeatable)");
  app.add_option("--steps", options.warm_steps, "Steps trained before the live edits")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--out", out_dir, "Folder for the run folder (run/), the checkpoint and session_driver.json")->capture_default_str();
  app.add_option("--phase-timeout", options.phase_timeout_s, "Seconds a phase may wait")->check(CLI::PositiveNumber)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    options.config = moco::preset_by_name(preset);
    options.config.run.total_steps = kScheduleSteps;
    moco::set_config_value(options.config, "run.device", device);
    moco::apply_overrides(options.config, sets);
    moco::require_data_path_used(options.config, sets);
    const auto issues = moco::validate(options.config);
    if (!issues.empty()) throw std::invalid_argument("invalid configuration:\n" + moco::describe(issues));
    std::filesystem::create_directories(out_dir);
    options.out_dir = out_dir;
  } catch (const std::exception& e) {
    std::cerr << "session_driver: " << e.what() << std::endl;
    return 2;
  }

  const auto report = moco::driver::drive_session(options);
  const auto json = to_json(report, device);
  std::cout << json.dump() << std::endl;
  const auto file = std::filesystem::path(out_dir) / "session_driver.json";
  try {
    moco::write_file(file.string(), json.dump(2) + "\n");
  } catch (const std::exception& e) {  // a lost result is a failed run
    std::cerr << "session_driver: " << e.what() << std::endl;
    return 2;
  }
  for (const auto& p : report.phases)
    if (!p.ok) std::cerr << "session_driver: phase " << p.name << " failed: " << p.detail << std::endl;
  return report.ok() ? 0 : 1;
}
