#include "training_actions.h"

#include <QAction>
#include <QToolBar>
#include <QWidget>

#include "style.h"

namespace moco {
namespace {
// Each action's icon is resources/icons/toolbar/<name>.svg.
QAction* makeAction(QWidget* window, const QString& text, const QKeySequence& key, const QString& tip, const char* name) {
  auto* action = new QAction(style::icon(name), text, window);
  action->setShortcut(key);
  action->setShortcutContext(Qt::WindowShortcut);
  action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
  action->setObjectName(name);
  window->addAction(action);
  return action;
}
}  // namespace

TrainingActions::TrainingActions(QWidget* window) : QObject(window) {
  start_ = makeAction(window, tr("Start"), QKeySequence(Qt::CTRL | Qt::Key_Return),
                      tr("Start a new run of the experiment"), "start");
  pause_ = makeAction(window, tr("Pause"), QKeySequence(Qt::Key_Space), tr("Pause or resume training"),
                      "pause");
  step_ = makeAction(window, tr("Step"), QKeySequence(Qt::Key_S),
                     tr("Train exactly one iteration, then stay paused"), "step");
  stop_ = makeAction(window, tr("Stop"), QKeySequence(Qt::CTRL | Qt::Key_Period),
                     tr("Stop training after the current step"), "stop");
  reset_ = makeAction(window, tr("Reset"), QKeySequence(Qt::CTRL | Qt::Key_R),
                      tr("Stop, forget the current run and clear the plots"), "reset");
  update(SessionState::Idle, false, {});
}

void TrainingActions::addTo(QToolBar* toolbar) const {
  for (auto* a : {start_, pause_, step_, stop_}) toolbar->addAction(a);
  toolbar->addSeparator();
  toolbar->addAction(reset_);
}

void TrainingActions::update(SessionState state, bool active, const QString& configProblem) {
  const bool valid = configProblem.isEmpty();
  start_->setEnabled(!active && valid);
  start_->setToolTip(valid ? tr("Start a new run of the experiment (Ctrl+Return)")
                           : tr("Fix the experiment first:\n%1").arg(configProblem));
  const bool paused = state == SessionState::Paused;
  pause_->setEnabled(active && state != SessionState::Loading);
  pause_->setText(paused ? tr("Resume") : tr("Pause"));
  pause_->setIcon(style::icon(paused ? "start" : "pause"));
  // Step trains one iteration and pauses; before a run exists it starts one that waits after it.
  step_->setEnabled(active ? state != SessionState::Loading : valid);
  stop_->setEnabled(active);
  reset_->setEnabled(true);
}

}  // namespace moco
