#include "progress_bar.h"

#include <unistd.h>

#include <cmath>

namespace moco {
namespace {
constexpr int kBarWidth = 30;
constexpr double kRedrawSeconds = 0.1;       // terminal redraws at most 10 times a second
constexpr double kPlainLineSeconds = 10.0;   // a log line every 10 s when not on a terminal
}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

ProgressBar::ProgressBar(int64_t first, int64_t last, std::FILE* out)
    : first_(first), last_(last), out_(out), terminal_(isatty(fileno(out)) != 0),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void ProgressBar::update(int64_t step, double loss, double images_per_second) {
  char detail[128];
  std::snprintf(detail, sizeof detail, "step %lld/%lld  loss %.4f  %.0f img/s", (long long)step, (long long)last_, loss,
                images_per_second);
  show(step, detail);
}

void ProgressBar::show(int64_t position, const std::string& detail) {
  const auto now = std::chrono::steady_clock::now();
  const double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  const bool last = position >= last_;
  if (!last && since_draw < (terminal_ ? kRedrawSeconds : kPlainLineSeconds)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double done = double(position - first_), total = double(std::max<int64_t>(1, last_ - first_));
  const double eta = done > 0 ? elapsed / done * (total - done) : NAN;
  const double fraction = std::min(1.0, done / total);
  if (terminal_) {
    const int filled = int(fraction * kBarWidth);
    std::string bar(filled, '#');
    bar.resize(kBarWidth, '.');
    std::fprintf(out_, "\r[%s] %3.0f%% %s  ETA %s   ", bar.c_str(), fraction * 100, detail.c_str(), format_duration(eta).c_str());
  } else {
    std::fprintf(out_, "%s  ETA %s\n", detail.c_str(), format_duration(eta).c_str());
  }
  std::fflush(out_);
}

void ProgressBar::finish() {
  if (terminal_) std::fprintf(out_, "\n");
  std::fflush(out_);
}

}  // namespace moco
