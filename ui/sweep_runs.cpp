#include "sweep_runs.h"

#include <QDir>
#include <QFileInfo>
#include <QTimer>
#include <stdexcept>

#include "run.h"
#include "run_files.h"

namespace moco {
namespace {
constexpr int kWatchIntervalMs = 2000;  // a CPU step takes about a second: often enough, and cheap

std::string native(const QString& path) { return QDir::toNativeSeparators(path).toStdString(); }
}  // namespace

SweepRuns::SweepRuns(RunList* runs, QObject* parent) : QObject(parent), runs_(runs), timer_(new QTimer(this)) {
  timer_->setInterval(kWatchIntervalMs);
  connect(timer_, &QTimer::timeout, this, &SweepRuns::refresh);
}

void SweepRuns::open(const QString& folder) {
  const SweepFolder sweep(native(folder));
  const std::string planFile = sweep.file(SweepFolder::kPlanFile);
  if (!QFileInfo::exists(QString::fromStdString(planFile)))
    throw std::runtime_error("'" + planFile + "' does not exist: not a sweep folder (moco-train --sweep or --lesson writes one)");
  try {
    const auto plan = sweep.read_plan();
    expand_sweep(*plan);  // a plan whose arms cannot be built is malformed too
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string(e.what()).find(planFile) == std::string::npos ? "'" + planFile + "': " + e.what()
                                                                                       : std::string(e.what()));
  }
  setWatching(false);
  runningArm_.clear();
  if (QDir(folder) == QDir(folder_)) {
    for (Arm& arm : arms_) arm.stamp.clear();  // read again; runs still listed are updated, not added twice
  } else {
    folder_ = folder;
    plan_.reset();
    arms_.clear();
  }
  refresh();
}

void SweepRuns::follow(const QString& folder) {
  if (folder != folder_) {
    folder_ = folder;
    plan_.reset();
    arms_.clear();
  }
  runningArm_.clear();
  setWatching(true);
  refresh();
}

void SweepRuns::setWatching(bool on) {
  if (on == timer_->isActive()) return;
  if (on) {
    timer_->start();
    return;
  }
  timer_->stop();
  if (!folder_.isEmpty()) refresh();  // what the last arm wrote before moco-train ended
  // Nothing runs any more: every arm's status again, not only those whose files changed. (Clearing
  // runningArm_ alone left an arm stopped between two refreshes, its files unchanged, "running".)
  setRunningArm(QString());
}

bool SweepRuns::isWatching() const { return timer_->isActive(); }

bool SweepRuns::readPlan() {
  if (plan_) return true;
  try {
    const auto plan = SweepFolder(native(folder_)).read_plan();
    if (!plan) return false;
    arms_.clear();
    for (auto& arm : expand_sweep(*plan)) arms_.push_back({std::move(arm)});
    plan_ = *plan;
    return true;
  } catch (const std::exception&) {
    return false;  // open() reports a malformed plan; while following, moco-train refuses it itself
  }
}

void SweepRuns::refresh() {
  if (folder_.isEmpty()) return;
  const bool hadPlan = plan_.has_value();
  if (!readPlan()) return;
  bool changed = !hadPlan;
  for (Arm& arm : arms_) changed |= refreshArm(arm);
  if (changed) emit this->changed();
}

QString SweepRuns::stampOf(const Arm& arm) const {
  const RunFolder run = SweepFolder(native(folder_)).arm_folder(arm.arm);
  QString stamp;
  for (const char* name : {RunFolder::kConfigFile, RunFolder::kMetricsCsvFile, RunFolder::kMetricsJsonlFile,
                           SweepFolder::kArmFinishedFile}) {
    const QFileInfo file(QString::fromStdString(run.file(name)));
    stamp += file.exists() ? QStringLiteral("%1@%2;").arg(file.size()).arg(file.lastModified().toMSecsSinceEpoch())
                           : QStringLiteral("-;");
  }
  return stamp;
}

bool SweepRuns::refreshArm(Arm& arm) {
  const QString stamp = stampOf(arm);
  if (stamp == arm.stamp) return false;
  const SweepFolder sweep(native(folder_));
  const RunFolder folder = sweep.arm_folder(arm.arm);
  if (!folder.holds_run()) return false;
  try {
    const RunRecord record = folder.read();
    arm.finished = sweep.arm_finished(arm.arm);
    arm.result = arm_result(arm.arm, record, arm.finished);
    arm.floors = record.floors;
    arm.problem.clear();
    arm.stamp = stamp;
    showRecord(arm, record);
  } catch (const std::exception& e) {
    // Read while moco-train writes a row: the next refresh reads it whole (the stamp is not kept).
    const bool news = arm.problem != QString::fromUtf8(e.what());
    arm.problem = QString::fromUtf8(e.what());
    return news;
  }
  return true;
}

void SweepRuns::showRecord(Arm& arm, const RunRecord& record) {
  const QString name = QString::fromStdString(arm.arm.name);
  Run* run = runs_->find(arm.runId);
  // A record shorter than what is shown was rewritten (an arm resumed from an earlier checkpoint):
  // replaced whole, as appending would leave steps that no longer exist.
  if (run && (record.metrics.size() < size_t(run->metrics.size()) || record.evals.size() < size_t(run->evals.size()))) {
    runs_->remove(run);
    run = nullptr;
  }
  if (!run) {
    Run fresh = runFromRecord(record, name, QString::fromStdString(SweepFolder(native(folder_)).arm_folder(arm.arm).path()));
    fresh.status = statusOf(arm);
    arm.runId = runs_->add(std::move(fresh))->id;
    return;
  }
  runs_->appendMetrics(run, QVector<StepMetrics>(record.metrics.begin() + run->metrics.size(), record.metrics.end()));
  for (size_t i = run->evals.size(); i < record.evals.size(); ++i) runs_->appendEval(run, record.evals[i]);
  if (record.floors && !run->hasFloors) runs_->setFloors(run, *record.floors);
  if (record.config) run->config = *record.config;
  runs_->setStatus(run, statusOf(arm));
}

QString SweepRuns::statusOf(const Arm& arm) const {
  if (arm.finished) return QStringLiteral("finished");
  return QString::fromStdString(arm.arm.name) == runningArm_ ? QStringLiteral("running") : QStringLiteral("unfinished");
}

void SweepRuns::setRunningArm(const QString& arm) {
  if (arm == runningArm_) return;
  runningArm_ = arm;
  bool changed = false;
  for (const Arm& a : arms_)
    if (Run* run = runs_->find(a.runId); run && run->status != statusOf(a)) {
      runs_->setStatus(run, statusOf(a));
      changed = true;
    }
  if (changed) emit this->changed();
}

int SweepRuns::finishedCount() const {
  int n = 0;
  for (const Arm& a : arms_) n += a.finished;
  return n;
}

QStringList SweepRuns::settings() const {
  QStringList out;
  for (const Arm& a : arms_)
    if (!out.contains(QString::fromStdString(a.arm.setting))) out.push_back(QString::fromStdString(a.arm.setting));
  return out;
}

SweepSummary SweepRuns::summary() const {
  std::vector<ArmResult> results;
  for (const Arm& a : arms_)
    if (a.result) results.push_back(*a.result);
  return summarize(results);
}

std::optional<Floors> SweepRuns::floors() const {
  Floors sum;
  int n = 0;
  for (const Arm& a : arms_)
    if (a.floors) {
      sum.pixel_knn_top1 += a.floors->pixel_knn_top1;
      sum.random_encoder_knn_top1 += a.floors->random_encoder_knn_top1;
      ++n;
    }
  if (n == 0) return std::nullopt;
  sum.pixel_knn_top1 /= n;
  sum.random_encoder_knn_top1 /= n;
  return sum;
}

QStringList SweepRuns::problems() const {
  QStringList out;
  for (const Arm& a : arms_)
    if (!a.problem.isEmpty()) out << QStringLiteral("%1: %2").arg(QString::fromStdString(a.arm.name), a.problem);
  return out;
}

}  // namespace moco
