// What the GUI test programs share: the tiny experiment they train and a step count.
#pragma once

#include <QApplication>
#include <QCoreApplication>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "app_settings.h"
#include "main_window.h"
#include "run.h"
#include "style.h"
#include "tiny_config.h"

namespace moco::test {

constexpr int kTrainTimeoutMs = 60000;  // loading + first steps on a busy 2-core machine

// The tests' tiny MoCo v2 on one thread, long enough that it never finishes by itself.
inline Config gui_config() {
  Config c = tiny_config();
  c.run.threads = 1;
  c.run.total_steps = 1000000;
  return c;
}

inline int64_t live_steps(MainWindow& w) { return w.liveRun() ? w.liveRun()->metrics.size() : 0; }

// QSettings go to a test location under this program's name, never the user's, and the runs the
// window records go to a temporary folder removed when the program ends.
inline void isolate_settings(const char* program) {
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName("MoCo Workbench Tests");
  QCoreApplication::setApplicationName(program);
  static QTemporaryDir runs;
  AppSettings().setRunsFolder(runs.path());
}

// The look moco-workbench's main sets up (Fusion, workbench.qss, the resources), so the tests see
// the window users see.
inline void use_workbench_look() { style::applyWorkbenchLook(*qApp); }

// Turns off the automatic evaluation and t-SNE snapshots, for tests that count them.
inline void manual_only(MainWindow& w) {
  for (const char* name : {"evalEvery", "tsneEvery"})
    if (auto* box = w.findChild<QSpinBox*>(name)) box->setValue(0);
}

}  // namespace moco::test
