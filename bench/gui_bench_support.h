// What the GUI benchmarks (gui_bench, gui_soak) share: running the event loop until a condition,
// finding the window's parts by objectName, the steps the run list shows, and the statistics of the
// gaps between a probe timer's ticks (the longest is the longest the event loop was blocked).
#pragma once

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>
#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

#include "app_settings.h"
#include "main_window.h"

namespace moco::bench {

// Qt's offscreen platform when there is no display; before the QApplication is made.
inline void offscreenWithoutDisplay() {
  if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
    qputenv("QT_QPA_PLATFORM", "offscreen");
}

// The bench's own settings (not the user's) and style, and a temporary folder for the runs the
// window records: they are measured, not kept (removed with the returned folder).
inline std::unique_ptr<QTemporaryDir> benchSettings(const char* name) {
  QApplication::setOrganizationName("MoCo Workbench Bench");
  QApplication::setApplicationName(name);
  QApplication::setStyle("Fusion");
  auto runs = std::make_unique<QTemporaryDir>();
  AppSettings().setRunsFolder(runs->path());
  return runs;
}

// Runs the event loop (sleeping while idle, as the real app does) until `done` or the timeout.
inline void waitUntil(const std::function<bool()>& done, int timeoutMs) {
  QEventLoop loop;
  QElapsedTimer clock;
  clock.start();
  QTimer poll;
  QObject::connect(&poll, &QTimer::timeout, [&] {
    if (done() || clock.elapsed() >= timeoutMs) loop.quit();
  });
  poll.start(20);
  loop.exec();
}

// The window's parts by objectName, as the tests find them. A missing one ends the bench with its
// name instead of a crash on null.
template <typename T>
T* part(MainWindow& window, const char* name) {
  T* found = window.findChild<T*>(name);
  if (!found) qFatal("gui bench: the window has no %s named '%s'", T::staticMetaObject.className(), name);
  return found;
}

// Steps trained so far, as the run list shows the newest run's row (its Steps column).
inline int64_t stepsShown(MainWindow& window) {
  auto* tree = part<QTreeWidget>(window, "runTree");
  const int rows = tree->topLevelItemCount();
  if (rows == 0) return 0;
  for (int column = 0; column < tree->columnCount(); ++column)
    if (tree->headerItem()->text(column) == "Steps") return tree->topLevelItem(rows - 1)->text(column).toLongLong();
  qFatal("gui bench: the run list has no Steps column");
}

struct GapStats {
  qint64 longest = 0, p99 = 0, p999 = 0;
  size_t ticks = 0;
};

// Gaps in ms between consecutive probe ticks.
inline GapStats gapStats(std::vector<qint64> gaps) {
  GapStats s;
  s.ticks = gaps.size();
  if (gaps.empty()) return s;
  std::sort(gaps.begin(), gaps.end());
  const auto at = [&](double q) { return gaps[size_t(q * double(gaps.size() - 1))]; };
  s.longest = gaps.back();
  s.p99 = at(0.99);
  s.p999 = at(0.999);
  return s;
}

}  // namespace moco::bench
