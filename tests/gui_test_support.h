// What the GUI test programs share: the tiny experiment they train, and the ways they drive and
// read the window as a user (or an accessibility tool) does: actions and widgets found by their
// objectName, the run list's cells, the status bar, the File menu's dialogs.
#pragma once

#include <QAction>
#include <QApplication>
#include <QCoreApplication>
#include <QFile>
#include <QLabel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeWidget>

#include "app_settings.h"
#include "experiment_panel.h"
#include "file_actions.h"
#include "main_window.h"
#include "message_banner.h"
#include "plots/eval_plot.h"
#include "plots/loss_plot.h"
#include "run.h"
#include "run_dock.h"
#include "style.h"
#include "test_timing.h"
#include "tiny_config.h"

namespace moco::test {

constexpr int kTrainTimeoutMs = 60000 * kSlowdown;  // loading + first steps on a busy 2-core machine

// The tests' tiny MoCo v2 on one thread, long enough that it never finishes by itself.
inline Config gui_config() {
  Config c = tiny_config();
  c.run.threads = 1;
  c.run.total_steps = 1000000;
  return c;
}

// The child of `root` of type T named `name` (any name when empty). A missing one ends the test
// program with its name rather than a crash on null.
template <typename T = QWidget>
T* find(QObject& root, const QString& name = {}) {
  T* found = root.findChild<T*>(name);
  if (!found) qFatal("no %s named '%s'", T::staticMetaObject.className(), qPrintable(name));
  return found;
}

// The window's actions by objectName: "start", "pause", "step", "stop", "reset" (the Training
// menu and toolbar) and "openExperiment", "saveExperiment", "openRun", "saveRun" … (the File menu).
inline QAction* action(MainWindow& w, const char* name) { return find<QAction>(w, name); }

// The window's parts the tests read: the experiment dock, the loss plot, an evaluation plot by its
// title ("Accuracy", "Alignment / uniformity"), the message banner.
inline ExperimentPanel* panel(MainWindow& w) { return find<ExperimentPanel>(w, "experimentDock"); }
inline LossPlot* loss_plot(MainWindow& w) { return find<LossPlot>(w); }
inline EvalPlot* eval_plot(MainWindow& w, const char* title) { return find<EvalPlot>(w, title); }
inline MessageBanner* banner(MainWindow& w) { return find<MessageBanner>(w, "messageBanner"); }

// The session's state as the status bar shows it: "idle", "loading", "running", "paused",
// "finished", "stopped" or "failed".
inline QString session_state(MainWindow& w) { return find<QLabel>(w, "statusState")->text(); }

inline QTreeWidget* run_tree(MainWindow& w) { return find<QTreeWidget>(w, "runTree"); }
inline int run_count(MainWindow& w) { return run_tree(w)->topLevelItemCount(); }

// The text of `row`'s cell under the run list's column `header` ("Steps", "Status" …).
inline QString run_cell(MainWindow& w, int row, const QString& header) {
  QTreeWidget* tree = run_tree(w);
  for (int column = 0; column < tree->columnCount(); ++column)
    if (tree->headerItem()->text(column) == header) return tree->topLevelItem(row)->text(column);
  qFatal("the run list has no column '%s'", qPrintable(header));
}

// The row of the newest run the window started (rows are in the order runs were added; a folder
// opened shows "opened"); -1 when there is none, as after Reset.
inline int live_row(MainWindow& w) {
  for (int row = run_count(w) - 1; row >= 0; --row)
    if (run_cell(w, row, "Status") != "opened") return row;
  return -1;
}

// Steps the live run has received, as its row in the run list counts them (its last step; steps
// are numbered from 1 without gaps); 0 before Start and after Reset.
inline int64_t live_steps(MainWindow& w) {
  const int row = live_row(w);
  return row < 0 ? 0 : run_cell(w, row, "Steps").toLongLong();
}

// Clicks `row` of the run list and returns the run it shows (what Save run and Export save).
inline Run* select_run(MainWindow& w, int row) {
  QTreeWidget* tree = run_tree(w);
  tree->setCurrentItem(tree->topLevelItem(row));
  return find<RunDock>(w, "runDock")->currentRun();
}

// Steps the engine has recorded in the live run's folder (metrics.csv, one line per step after
// the header, written on the training thread): what the trainer has done, independent of what
// the window has drained so far.
inline int64_t recorded_steps(MainWindow& w) {
  const int row = live_row(w);
  if (row < 0) return 0;
  QFile csv(select_run(w, row)->folder + "/metrics.csv");
  if (!csv.open(QIODevice::ReadOnly)) return 0;
  return std::max<int64_t>(0, int64_t(csv.readAll().count('\n')) - 1);
}

// Does what the File action `name` does once its dialog is answered with `path`, for the run
// selected in the run list. Qt's own file dialogs answer from a file model that lists folders
// asynchronously, which made answering them in tests nondeterministic (and a wrong answer opens
// a modal box); the action itself must exist and be enabled. False for an unknown action.
inline bool use_file_action(MainWindow& w, const char* name, const QString& path) {
  QAction* a = action(w, name);
  auto* files = w.findChild<FileActions*>();
  if (!a || !a->isEnabled() || !files) return false;
  const QString which = QString::fromLatin1(name);
  if (which == "saveRun") {
    Run* run = w.findChild<RunDock*>()->currentRun();
    if (!run) return false;
    files->saveRunTo(run, path);
  } else if (which == "openRun") {
    files->openRunFolder(path);
  } else if (which == "saveExperiment") {
    files->saveExperimentFile(path);
  } else if (which == "openExperiment") {
    files->openExperimentFile(path);
  } else {
    return false;
  }
  return true;
}

// QSettings go to a test location under this program's name, never the user's, and the runs the
// window records go to a temporary folder removed when the program ends.
inline void isolate_settings(const char* program) {
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName("MoCo Workbench Tests");
  QCoreApplication::setApplicationName(program);
  static QTemporaryDir runs, data, cache;
  AppSettings().setRunsFolder(runs.path());
  // Never the user's data folder or decode cache: what the dataset box finds is what a test puts there.
  qputenv("MOCO_DATA_DIR", data.path().toUtf8());
  qputenv("MOCO_CACHE_DIR", cache.path().toUtf8());
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
