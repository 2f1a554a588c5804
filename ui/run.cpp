#include "run.h"

#include <algorithm>
#include <limits>

#include "palette.h"

namespace moco {

void Run::append(const QVector<StepMetrics>& more) {
  double t = elapsed.isEmpty() ? 0.0 : elapsed.back();
  for (const auto& m : more) {
    t += m.step_seconds;
    metrics.push_back(m);
    elapsed.push_back(t);
  }
}

double Run::finalLoss() const {
  return metrics.isEmpty() ? std::numeric_limits<double>::quiet_NaN() : metrics.back().loss;
}

int64_t Run::stepsPerEpoch() const {
  if (!metrics.isEmpty() && metrics.back().steps_per_epoch > 0) return metrics.back().steps_per_epoch;
  for (const auto& m : metrics)
    if (m.epoch >= 1) return (m.step - 1) / m.epoch;  // step s belongs to epoch (s - 1) / steps per epoch
  return 0;
}

bool Run::agesInEpochs() const { return config.moco.mechanism == Mechanism::MemoryBank; }

RunList::RunList(QObject* parent) : QObject(parent) {}
RunList::~RunList() = default;

Run* RunList::add(Run run) {
  run.id = nextId_++;
  run.colour = palette::tab10(run.id - 1);
  runs_.push_back(std::make_unique<Run>(std::move(run)));
  Run* added = runs_.back().get();
  emit runAdded(added);
  emit shownChanged();
  return added;
}

void RunList::remove(Run* run) {
  auto it = std::find_if(runs_.begin(), runs_.end(), [run](const auto& r) { return r.get() == run; });
  if (it == runs_.end()) return;
  const int id = run->id;
  const bool wasShown = run->shown;
  runs_.erase(it);
  emit runRemoved(id);
  if (wasShown) emit shownChanged();
}

void RunList::setShown(Run* run, bool shown) {
  if (run->shown == shown) return;
  run->shown = shown;
  emit shownChanged();
}

void RunList::setName(Run* run, const QString& name) {
  run->name = name;
  emit runChanged(run);
  if (run->shown) emit shownChanged();  // legends show the name
}

void RunList::appendMetrics(Run* run, const QVector<StepMetrics>& metrics) {
  if (metrics.isEmpty()) return;
  const int first = run->metrics.size();
  run->append(metrics);
  emit metricsAppended(run, first);
  emit runChanged(run);
}

void RunList::setStatus(Run* run, const QString& status) {
  run->status = status;
  emit runChanged(run);
}

void RunList::appendEval(Run* run, const EvalReport& report) {
  run->evals.push_back(report);
  emit evaluationChanged(run);
}

void RunList::setFloors(Run* run, const Floors& floors) {
  run->floors = floors;
  run->hasFloors = true;
  emit evaluationChanged(run);
}

QList<const Run*> RunList::shownRuns() const {
  QList<const Run*> out;
  for (const auto& r : runs_)
    if (r->shown) out.push_back(r.get());
  return out;
}

Run* RunList::find(int id) const {
  for (const auto& r : runs_)
    if (r->id == id) return r.get();
  return nullptr;
}

QString RunList::nextName(const Config& config) const {
  return tr("Run %1 · %2").arg(nextId_).arg(QString::fromStdString(config.preset));
}

}  // namespace moco
