// What a GUI benchmark needs to say why its event loop stalled: TimedApplication times every
// event Qt dispatches, threadCpuMs tells time the GUI thread ran from time it waited, and Watchdog
// watches the GUI thread from another thread (its /proc state, its sampled stack, and whether the
// whole machine paused). Used by gui_soak; Linux only.
#pragma once

#include <cxxabi.h>
#include <execinfo.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QString>
#include <QStringList>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace moco::bench {

// The events that kept the event loop busy longest: which object received what. Timed in notify,
// the one door every event passes; only the outermost dispatch counts (a nested one is inside it).
// Between two probe ticks it also sums the time spent inside events and keeps the longest, so a
// stall can be told apart: many short events (work the window queued), one long event (work done
// on the GUI thread), or little time in events at all (the thread waited for the CPU).
class TimedApplication : public QApplication {
 public:
  using QApplication::QApplication;
  struct Slow {
    qint64 ms = 0;
    QString what;
  };
  std::vector<Slow> slow;  // events that took longer than the stall bound
  // Since the last probe tick:
  double gapBusyMs = 0;  // time inside outermost events
  int gapEvents = 0;
  Slow gapLongest;
  void resetGap() {
    gapBusyMs = 0;
    gapEvents = 0;
    gapLongest = {};
  }
  bool notify(QObject* receiver, QEvent* event) override {
    if (depth_++ > 0) {
      const bool r = QApplication::notify(receiver, event);
      --depth_;
      return r;
    }
    // Read before dispatching: the event may delete its receiver (DeferredDelete, a slot's
    // deleteLater'd owner). The class's meta-object is static and the name a shared copy: cheap.
    const QMetaObject* meta = receiver ? receiver->metaObject() : nullptr;
    const QString name = receiver ? receiver->objectName() : QString();
    const int type = int(event->type());
    QElapsedTimer t;
    t.start();
    const bool r = QApplication::notify(receiver, event);
    --depth_;
    const qint64 ns = t.nsecsElapsed();
    const qint64 ms = ns / 1000000;
    gapBusyMs += double(ns) / 1e6;
    ++gapEvents;
    if (ms > 50 || ms > gapLongest.ms) {
      const QString what = QString("%1 '%2' event %3").arg(meta ? meta->className() : "?", name).arg(type);
      if (ms > 50) slow.push_back({ms, what});
      if (ms > gapLongest.ms) gapLongest = {ms, what};
    }
    return r;
  }

 private:
  int depth_ = 0;
};

// CPU time this thread has used, in milliseconds: the probe's gap minus it is time the GUI thread
// was not running (waiting for a core, or blocked).
inline double threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// Where the GUI thread is while it does not tick. A watchdog thread reads its scheduler state,
// wait channel and kernel stack from /proc every 5 ms once a tick is 20 ms late, so a stall names
// its cause: R (runnable, waiting for a core), S in a futex (a lock held by another thread), D
// (in the kernel: I/O, a page fault waiting for the memory map's lock). Linux only.
//
// Once a gap reaches 60 ms the watchdog also samples the GUI thread's own stack: a signal makes the
// thread record its return addresses (backtrace in the handler), and the watchdog names them, so a
// stall in a lock says whose code waited.
inline void* sampledFrames[48];
inline std::atomic<int> sampledCount{-1};
inline void sampleStack(int) { sampledCount = backtrace(sampledFrames, 48); }

inline std::string frameName(const char* symbol) {
  // "path(mangled+0x1f) [0x…]" → the demangled function, else the library's file name.
  std::string line(symbol);
  const auto open = line.find('('), plus = line.find('+', open == std::string::npos ? 0 : open);
  if (open != std::string::npos && plus != std::string::npos && plus > open + 1) {
    const std::string mangled = line.substr(open + 1, plus - open - 1);
    int status = 0;
    char* demangled = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
    std::string name = status == 0 && demangled ? demangled : mangled;
    std::free(demangled);
    return name.substr(0, 90);
  }
  const auto slash = line.rfind('/', open);
  return line.substr(slash == std::string::npos ? 0 : slash + 1, open == std::string::npos ? 60 : open - slash - 1);
}

class Watchdog {
 public:
  Watchdog() : tid_(pid_t(syscall(SYS_gettid))) {  // made on the GUI thread
    backtrace(sampledFrames, 1);  // loads the unwinder now, not first inside a signal handler
    struct sigaction action {};
    action.sa_handler = sampleStack;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR2, &action, nullptr);
    thread_ = std::thread([this] { run(); });
  }
  ~Watchdog() {
    stop_ = true;
    thread_.join();
  }
  void ticked() {
    lastTickNs_ = nowNs();
    sampled_ = false;
  }
  // The longest this watchdog's own 5 ms sleep overran since the last call, in ms.
  double takeLateMs() { return double(lateNs_.exchange(0)) / 1e6; }
  // What was seen since the last call, most frequent first: "R ×6, S futex_wait_queue ×2".
  QString take() {
    std::map<std::string, int> seen;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen.swap(seen_);
    }
    std::vector<std::pair<int, std::string>> order;
    for (const auto& [what, n] : seen) order.push_back({n, what});
    std::sort(order.rbegin(), order.rend());
    QStringList out;
    for (const auto& [n, what] : order) out << QString("%1 ×%2").arg(QString::fromStdString(what)).arg(n);
    return out.join(", ");
  }

 private:
  static qint64 nowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  static std::string readFirstLine(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
  }
  std::string where() const {
    const std::string task = "/proc/self/task/" + std::to_string(tid_) + "/";
    const std::string stat = readFirstLine(task + "stat");
    const auto close = stat.rfind(')');
    std::string what = close != std::string::npos && close + 2 < stat.size() ? stat.substr(close + 2, 1) : "?";
    if (what == "R") return what;
    const std::string wchan = readFirstLine(task + "wchan");
    if (!wchan.empty() && wchan != "0") what += " " + wchan;
    // The kernel stack (root only): the two innermost frames beyond the scheduler's own.
    std::ifstream stack(task + "stack");
    int frames = 0;
    for (std::string line; frames < 2 && std::getline(stack, line);) {
      const auto name = line.find("] ");
      std::string fn = name == std::string::npos ? line : line.substr(name + 2);
      fn = fn.substr(0, fn.find('+'));
      if (fn.rfind("schedule", 0) == 0 || fn.rfind("__schedule", 0) == 0 || fn == wchan) continue;
      what += " < " + fn;
      ++frames;
    }
    return what;
  }
  void run() {
    while (!stop_) {
      const qint64 before = nowNs();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      // This thread has nothing to do and outranks every background thread: when its own 5 ms
      // sleep overran by as much as the GUI's gap, the machine, not the process, was not running it
      // (a virtual machine's vCPUs descheduled by its host).
      const qint64 late = nowNs() - before - 5000000;
      if (late > lateNs_) lateNs_ = late;
      const qint64 last = lastTickNs_;
      if (last == 0 || nowNs() - last < 20000000) continue;
      const std::string what = where();
      const std::string stack = nowNs() - last >= 60000000 && !sampled_.exchange(true) ? sampleGuiStack() : "";
      std::lock_guard<std::mutex> lock(mutex_);
      ++seen_[what];
      if (!stack.empty()) ++seen_[stack];
    }
  }
  std::string sampleGuiStack() {
    sampledCount = -1;
    if (syscall(SYS_tgkill, getpid(), tid_, SIGUSR2) != 0) return "";
    for (int i = 0; i < 50 && sampledCount < 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const int n = sampledCount;
    if (n <= 0) return "stack: not sampled";
    char** symbols = backtrace_symbols(sampledFrames, n);
    std::string out = "stack:";
    // Frames 0-1 are the handler and the signal trampoline.
    for (int i = 2, shown = 0; i < n && shown < 14; ++i, ++shown) out += (shown ? " < " : " ") + frameName(symbols[i]);
    std::free(symbols);
    return out;
  }
  pid_t tid_;
  std::atomic<bool> stop_{false};
  std::atomic<qint64> lastTickNs_{0};
  std::atomic<qint64> lateNs_{0};
  std::mutex mutex_;
  std::map<std::string, int> seen_;
  std::atomic<bool> sampled_{false};  // the stack of this gap was sampled
  std::thread thread_;
};

}  // namespace moco::bench
