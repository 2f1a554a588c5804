// Start / Pause-Resume / Step / Stop / Reset as QActions with their shortcuts (Ctrl+Return, Space,
// S, Ctrl+., Ctrl+R), enabled according to the session's state and the config's validity.
#pragma once

#include <QObject>

#include "api/training_session.h"

class QAction;
class QToolBar;
class QWidget;

namespace moco {

class TrainingActions : public QObject {
  Q_OBJECT
 public:
  // The shortcuts work anywhere in `window`.
  explicit TrainingActions(QWidget* window);

  QAction* start() const { return start_; }
  QAction* pause() const { return pause_; }  // "Pause" or "Resume"
  QAction* step() const { return step_; }
  QAction* stop() const { return stop_; }
  QAction* reset() const { return reset_; }
  void addTo(QToolBar* toolbar) const;

  // `configProblem` empty = the experiment is valid; otherwise why Start is disabled.
  void update(SessionState state, bool active, const QString& configProblem);

 private:
  QAction *start_, *pause_, *step_, *stop_, *reset_;
};

}  // namespace moco
