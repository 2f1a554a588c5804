#include "run_files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <functional>
#include <stdexcept>

#include "config.h"

namespace moco {
namespace {

using Setter = std::function<void(StepMetrics&, double)>;

// Column name -> field; the names are moco::metric_names(), so a new metric fails loudly here.
const QHash<QString, Setter>& setters() {
  static const QHash<QString, Setter> table = [] {
    QHash<QString, Setter> t;
    t["step"] = [](StepMetrics& m, double v) { m.step = int64_t(v); };
    t["epoch"] = [](StepMetrics& m, double v) { m.epoch = int64_t(v); };
    t["loss"] = [](StepMetrics& m, double v) { m.loss = v; };
    t["chance_loss"] = [](StepMetrics& m, double v) { m.chance_loss = v; };
    t["instance_acc1"] = [](StepMetrics& m, double v) { m.instance_acc1 = v; };
    t["lr"] = [](StepMetrics& m, double v) { m.lr = v; };
    t["momentum"] = [](StepMetrics& m, double v) { m.momentum = v; };
    t["temperature"] = [](StepMetrics& m, double v) { m.temperature = v; };
    t["positive_cosine"] = [](StepMetrics& m, double v) { m.positive_cosine = v; };
    t["negative_cosine"] = [](StepMetrics& m, double v) { m.negative_cosine = v; };
    t["queue_fill"] = [](StepMetrics& m, double v) { m.queue_fill = v; };
    t["queue_age_mean"] = [](StepMetrics& m, double v) { m.queue_age_mean = v; };
    t["queue_age_max"] = [](StepMetrics& m, double v) { m.queue_age_max = v; };
    t["key_drift"] = [](StepMetrics& m, double v) { m.key_drift = v; };
    t["step_seconds"] = [](StepMetrics& m, double v) { m.step_seconds = v; };
    t["images_per_second"] = [](StepMetrics& m, double v) { m.images_per_second = v; };
    for (const auto& name : metric_names())
      if (!t.contains(QString::fromStdString(name)))
        throw std::logic_error("run_files.cpp has no reader for metric '" + name + "'");
    return t;
  }();
  return table;
}

std::string where(const QString& path) { return QDir::toNativeSeparators(path).toStdString(); }

}  // namespace

void writeMetricsCsv(const QVector<StepMetrics>& metrics, const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
    throw std::runtime_error("cannot write '" + where(path) + "': " + file.errorString().toStdString());
  QTextStream out(&file);
  const auto& names = metric_names();
  for (size_t i = 0; i < names.size(); ++i) out << (i ? "," : "") << QString::fromStdString(names[i]);
  out << '\n';
  for (const auto& m : metrics) {
    const auto values = metric_values(m);
    for (size_t i = 0; i < values.size(); ++i) out << (i ? "," : "") << QString::number(values[i], 'g', 9);
    out << '\n';
  }
  out.flush();
  if (file.error() != QFileDevice::NoError)
    throw std::runtime_error("cannot write '" + where(path) + "': " + file.errorString().toStdString());
}

QVector<StepMetrics> readMetricsCsv(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
    throw std::runtime_error("cannot open '" + where(path) + "': " + file.errorString().toStdString());
  QTextStream in(&file);
  const QStringList header = in.readLine().trimmed().split(',');
  if (!header.contains("step") || !header.contains("loss"))
    throw std::runtime_error("'" + where(path) + "' has no header row with 'step' and 'loss' columns");
  std::vector<const Setter*> columns;
  for (const auto& name : header) {
    const auto it = setters().constFind(name);
    columns.push_back(it == setters().constEnd() ? nullptr : &it.value());
  }
  QVector<StepMetrics> rows;
  int line = 1;
  while (!in.atEnd()) {
    const QString text = in.readLine().trimmed();
    ++line;
    if (text.isEmpty()) continue;
    const QStringList cells = text.split(',');
    if (cells.size() != header.size())
      throw std::runtime_error("'" + where(path) + "' line " + std::to_string(line) + " has " + std::to_string(cells.size()) +
                               " values, the header " + std::to_string(header.size()));
    StepMetrics m;
    for (int i = 0; i < cells.size(); ++i) {
      if (!columns[size_t(i)]) continue;
      bool ok = false;
      const double v = cells[i].toDouble(&ok);
      if (!ok && cells[i] != "nan" && cells[i] != "-nan")
        throw std::runtime_error("'" + where(path) + "' line " + std::to_string(line) + ": '" + cells[i].toStdString() +
                                 "' in column " + header[i].toStdString() + " is not a number");
      (*columns[size_t(i)])(m, ok ? v : std::numeric_limits<double>::quiet_NaN());
    }
    rows.push_back(m);
  }
  return rows;
}

void writeMetricsJsonl(const Run& run, const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
    throw std::runtime_error("cannot write '" + where(path) + "': " + file.errorString().toStdString());
  const auto& names = metric_names();
  const auto line = [&file](const QJsonObject& o) { file.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n'); };
  for (const auto& m : run.metrics) {
    QJsonObject row;
    const auto values = metric_values(m);
    for (size_t i = 0; i < names.size(); ++i) row[QString::fromStdString(names[i])] = values[i];
    row["step"] = qint64(m.step);
    row["epoch"] = qint64(m.epoch);
    line(row);
  }
  // The evaluation lines in moco-train's own format (analysis.h), so either program reads the other's.
  if (run.hasFloors) file.write(QByteArray::fromStdString(to_json_line(run.floors, 0)) + '\n');
  for (const auto& r : run.evals) file.write(QByteArray::fromStdString(to_json_line(r)) + '\n');
  if (file.error() != QFileDevice::NoError)
    throw std::runtime_error("cannot write '" + where(path) + "': " + file.errorString().toStdString());
}

void readEvaluations(const QString& path, Run& run) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) return;
  while (!file.atEnd()) {
    EvalReport report;
    Floors floors;
    switch (parse_json_line(file.readLine().toStdString(), report, floors)) {
      case JsonLineKind::Eval: run.evals.push_back(report); break;
      case JsonLineKind::Floors: run.floors = floors; run.hasFloors = true; break;
      case JsonLineKind::Other: break;
    }
  }
}

void saveRunFolder(const Run& run, const QString& folder) {
  QDir dir(folder);
  if (!dir.mkpath("."))
    throw std::runtime_error("cannot create folder '" + where(folder) + "'");
  const QString configPath = dir.filePath(kRunConfigFile);
  QFile config(configPath);
  if (!config.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text) ||
      config.write(QByteArray::fromStdString(to_json(run.config) + "\n")) < 0)
    throw std::runtime_error("cannot write '" + where(configPath) + "': " + config.errorString().toStdString());
  writeMetricsCsv(run.metrics, dir.filePath(kRunMetricsFile));
  writeMetricsJsonl(run, dir.filePath(kRunJsonlFile));
}

Run loadRunFolder(const QString& folder) {
  QDir dir(folder);
  const QString configPath = dir.filePath(kRunConfigFile);
  const QString metricsPath = dir.filePath(kRunMetricsFile);
  if (!QFileInfo::exists(configPath) && !QFileInfo::exists(metricsPath))
    throw std::runtime_error("'" + where(folder) + "' holds neither config.json nor metrics.csv: not a run folder");
  Run run;
  run.name = QFileInfo(QDir::cleanPath(folder)).fileName();
  run.folder = folder;
  run.status = QStringLiteral("opened");
  if (QFileInfo::exists(configPath)) {
    try {
      run.config = load_config_file(configPath.toStdString());
    } catch (const std::exception& e) {
      throw std::runtime_error("'" + where(configPath) + "': " + e.what());
    }
  }
  if (QFileInfo::exists(metricsPath)) run.append(readMetricsCsv(metricsPath));
  readEvaluations(dir.filePath(kRunJsonlFile), run);
  return run;
}

}  // namespace moco
