// moco-train running a lesson in its own process (`moco-train --lesson NAME --out DIR`): the
// workbench's own training session stays usable, and moco-train's checkpoints make a stopped lesson
// resumable. The GUI thread never waits on it: everything arrives as signals from QProcess.
#pragma once

#include <QObject>
#include <QProcess>
#include <QStringList>

namespace moco {

class SweepProcess : public QObject {
  Q_OBJECT
 public:
  explicit SweepProcess(QObject* parent = nullptr);
  ~SweepProcess() override;  // terminates a running moco-train and waits briefly for its checkpoint

  // moco-train's path; by default the one beside this program (both are built into one folder).
  void setProgram(const QString& path);
  QString program() const { return program_; }
  // Arguments appended after --lesson and --out (tests: tiny --set overrides, --steps …).
  void setExtraArguments(const QStringList& args) { extra_ = args; }

  // Starts the lesson; `failed` (at once) when moco-train is missing or already running.
  void start(const QString& lesson, const QString& folder);
  // SIGTERM: moco-train saves the current arm's checkpoint and exits with 130.
  void stop();
  bool isRunning() const;
  const QString& lesson() const { return lesson_; }
  const QString& folder() const { return folder_; }
  // The last non-empty line moco-train wrote to stderr.
  const QString& lastLine() const { return lastLine_; }

  // The exit code moco-train gives for an interruption (SIGINT/SIGTERM, after saving a checkpoint)
  // and for a sweep where an arm diverged (app/sweep_cli.cpp).
  static constexpr int kInterruptedCode = 130;
  static constexpr int kDivergedCode = 3;

 signals:
  void started();
  // moco-train began arm `arm` of `arms` ("moco-train: arm 3/8 NAME").
  void armStarted(int arm, int arms, const QString& name);
  void finished(int exitCode);          // exitCode 0: every arm finished
  void failed(const QString& message);  // could not start, or crashed

 private:
  void readErrors();

  QProcess* process_;
  QString program_, lesson_, folder_, lastLine_, partial_;
  QStringList extra_;
};

}  // namespace moco
