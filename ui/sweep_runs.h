// A sweep folder (core's api/sweep.h) as the window keeps it: every arm's run folder becomes a Run
// in the RunList, named by the arm (so the loss and kNN plots overlay them, one colour each), and
// the arms' results are summarised per setting for the Sweep tab. While moco-train writes into the
// folder (a lesson running), a timer re-reads only the arms whose files changed.
#pragma once

#include <QObject>
#include <QStringList>
#include <optional>
#include <vector>

#include "api/analysis.h"
#include "api/sweep.h"

class QTimer;

namespace moco {

class RunList;

class SweepRuns : public QObject {
  Q_OBJECT
 public:
  explicit SweepRuns(RunList* runs, QObject* parent = nullptr);

  // Reads `folder`'s sweep.json and every arm's run folder there is. The runs of a sweep shown
  // before stay in the list; opening the same folder again updates its runs instead of adding them. Throws std::runtime_error naming sweep.json when the folder has none
  // or it is malformed; an arm whose folder cannot be read is listed in problems() instead.
  void open(const QString& folder);
  // Follows `folder` while moco-train writes it: sweep.json may appear later; refresh() runs every
  // couple of seconds until setWatching(false), which refreshes a last time.
  void follow(const QString& folder);
  void setWatching(bool on);
  bool isWatching() const;
  // Re-reads sweep.json when not read yet, and the arms whose files changed or appeared.
  void refresh();
  // The arm moco-train reports it trains now: its run shows "running", other unfinished ones
  // "unfinished". Empty when nothing trains.
  void setRunningArm(const QString& arm);

  const QString& runningArm() const { return runningArm_; }
  bool hasPlan() const { return plan_.has_value(); }
  const QString& folder() const { return folder_; }
  const SweepPlan& plan() const { return *plan_; }  // only when hasPlan()
  int armCount() const { return int(arms_.size()); }
  int finishedCount() const;
  // Every setting of the plan, in the plan's order, whether or not an arm of it ran yet.
  QStringList settings() const;
  // The arms that have a run folder, and their mean ± sd per setting.
  SweepSummary summary() const;
  // The floors (raw pixels, random encoder) averaged over the arms that recorded them.
  std::optional<Floors> floors() const;
  // Arms whose folder could not be read, each with the reason.
  QStringList problems() const;

 signals:
  void changed();  // the plan, an arm's results or an arm's status changed

 private:
  struct Arm {
    SweepArm arm;
    int runId = 0;    // its Run in the RunList; 0 before its folder holds a run
    QString stamp;    // sizes and times of its files when last read
    bool finished = false;
    std::optional<ArmResult> result;
    std::optional<Floors> floors;
    QString problem;  // why its folder could not be read, empty when it could
  };

  bool readPlan();  // false while there is no sweep.json yet
  bool refreshArm(Arm& arm);  // true when something changed
  void showRecord(Arm& arm, const RunRecord& record);
  QString statusOf(const Arm& arm) const;
  QString stampOf(const Arm& arm) const;

  RunList* runs_;
  QTimer* timer_;
  QString folder_;
  std::optional<SweepPlan> plan_;
  std::vector<Arm> arms_;
  QString runningArm_;
};

}  // namespace moco
