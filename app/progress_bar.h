// A one-line terminal progress bar with ETA and a caller's detail (training: step and loss;
// downloads: bytes); plain lines when not a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace moco {

class ProgressBar {
 public:
  ProgressBar(int64_t first, int64_t last, std::FILE* out);
  // Training: "step N/M  loss …  … img/s".
  void update(int64_t step, double loss, double images_per_second);
  // Any count from `first` to `last`, with `detail` after the bar (before the ETA).
  void show(int64_t position, const std::string& detail);
  void set_last(int64_t last) { last_ = last; }
  void finish();

 private:
  int64_t first_, last_;
  std::FILE* out_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// "1h02m", "3m05s", "42s".
std::string format_duration(double seconds);

}  // namespace moco
