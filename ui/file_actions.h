// The File menu: experiments as JSON (the CLI's schema), run folders (moco-train's files),
// checkpoints, the encoder for PyTorch and metrics as CSV. Each action asks for a path, does the
// work through core or run_files, and reports problems through `failed` instead of throwing.
#pragma once

#include <QObject>
#include <functional>

class QAction;
class QMenu;
class QWidget;

namespace moco {

class AppSettings;
class ExperimentPanel;
class RunList;
class SessionController;
struct Run;

class FileActions : public QObject {
  Q_OBJECT
 public:
  struct Context {
    QWidget* window = nullptr;
    ExperimentPanel* panel = nullptr;
    SessionController* controller = nullptr;
    RunList* runs = nullptr;
    AppSettings* settings = nullptr;
    std::function<Run*()> currentRun;  // the run list's current row
    std::function<Run*()> liveRun;     // the run the controller is training, if any
  };
  explicit FileActions(Context context);

  void addTo(QMenu* menu) const;
  QAction* openRun() const { return openRun_; }
  QAction* saveRun() const { return saveRun_; }
  // Enables what the session's state allows (checkpoints and export need a running trainer).
  void update();

  // The work behind the actions, once their dialog has a path.
  void openExperimentFile(const QString& path);
  void saveExperimentFile(const QString& path);
  Run* openRunFolder(const QString& folder);
  void saveRunTo(Run* run, const QString& folder);

 signals:
  void failed(const QString& title, const QString& message);
  void done(const QString& message);  // a success worth a status-bar line

 private:
  QString askOpen(const QString& title, const QString& filter);
  QString askSave(const QString& title, const QString& name, const QString& filter);
  QString askFolder(const QString& title);
  void exportCsv();

  Context c_;
  QAction *openExperiment_, *saveExperiment_, *openRun_, *saveRun_, *saveCheckpoint_, *exportEncoder_, *exportCsv_;
};

}  // namespace moco
