// A one-line terminal progress bar with ETA and the latest loss; plain lines when not a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace moco {

class ProgressBar {
 public:
  ProgressBar(int64_t first_step, int64_t last_step, std::FILE* out);
  void update(int64_t step, double loss, double images_per_second);
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
