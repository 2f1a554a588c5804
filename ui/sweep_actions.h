// Sweeps in the window: File → Open sweep folder… (every arm as a run, the Sweep tab), and lessons
// run by moco-train in its own process, the Sweep tab following their folder as the arms fill it.
// Problems go to the message banner, naming the file or the exit code; nothing throws past here.
#pragma once

#include <QObject>

class QAction;
class QLabel;
class QMenu;
class QStatusBar;
class QTabWidget;
class QWidget;

namespace moco {

class AppSettings;
class LessonDialog;
class MessageBanner;
class RunList;
class SweepProcess;
class SweepRuns;
class SweepView;

class SweepActions : public QObject {
  Q_OBJECT
 public:
  struct Context {
    QWidget* window = nullptr;
    RunList* runs = nullptr;
    QTabWidget* views = nullptr;  // holds `view`; shown when a sweep opens
    SweepView* view = nullptr;
    MessageBanner* banner = nullptr;
    QStatusBar* statusBar = nullptr;
    AppSettings* settings = nullptr;
  };
  explicit SweepActions(Context context);

  QAction* openSweep() const { return openSweep_; }
  SweepProcess* process() const { return process_; }
  const SweepRuns& sweep() const { return *sweep_; }

  // The work behind Open sweep folder…, once its dialog has a folder. False when it could not open.
  bool openSweepFolder(const QString& folder);
  // Starts `moco-train --lesson NAME --out FOLDER` and follows the folder in the Sweep tab.
  void runLesson(const QString& name, const QString& folder);
  // One action per lesson (its title, objectName "lesson:NAME"), each opening its dialog.
  void addLessonsTo(QMenu* menu);
  // The dialog of lesson `name` (non-modal; Run starts it); null, with a banner, when none has that name.
  LessonDialog* showLessonDialog(const QString& name);

 private:
  void showSweep();
  void onArmStarted(int arm, int arms, const QString& name);
  void onFinished(int exitCode);
  void onFailed(const QString& message);
  void showLessonTexts();  // the lesson sweep.json names, above the chart

  Context c_;
  QAction* openSweep_;
  SweepRuns* sweep_;
  SweepProcess* process_;
  QLabel* progress_;  // the status bar's "Lesson momentum: arm 3/8 …"
  QString lessonShown_;  // whose texts the Sweep tab shows
};

}  // namespace moco
