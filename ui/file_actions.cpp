#include "file_actions.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QRegularExpression>
#include <QWidget>

#include "api/analysis.h"
#include "api/run_folder.h"
#include "app_settings.h"
#include "experiment_panel.h"
#include "run.h"
#include "run_files.h"
#include "session_controller.h"
#include "style.h"

namespace moco {
namespace {
constexpr const char* kJsonFilter = "Experiment JSON (*.json)";

// `name` is the action's objectName: how tests and accessibility tools find it.
QAction* action(QObject* parent, const char* name, const QString& text, const QKeySequence& key, const QString& tip) {
  auto* a = new QAction(text, parent);
  a->setObjectName(name);
  a->setShortcut(key);
  a->setToolTip(tip);
  a->setStatusTip(tip);
  return a;
}
}  // namespace

FileActions::FileActions(Context context) : QObject(context.window), c_(std::move(context)) {
  openExperiment_ = action(this, "openExperiment", tr("&Open experiment…"), QKeySequence::Open, tr("Load an experiment JSON (same schema as moco-train --config)"));
  saveExperiment_ = action(this, "saveExperiment", tr("&Save experiment…"), QKeySequence::Save, tr("Save the experiment as JSON for moco-train --config"));
  openRun_ = action(this, "openRun", tr("Open run folder…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O),
                    tr("Open a run folder written by moco-train or the workbench (config.json, metrics.csv)"));
  saveRun_ = action(this, "saveRun", tr("Save run…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S),
                    tr("Save the selected run as a folder (config.json, metrics.csv; checkpoint.pt while it trains)"));
  saveCheckpoint_ = action(this, "saveCheckpoint", tr("Save checkpoint…"), {}, tr("Save the running session's whole state (moco-train --resume reads it)"));
  exportEncoder_ = action(this, "exportEncoder", tr("Export encoder for PyTorch…"), {}, tr("Save the query encoder's state dict (torch.load reads it)"));
  exportCsv_ = action(this, "exportCsv", tr("Export metrics as CSV…"), {}, tr("Every step's metrics of the selected run as CSV"));
  for (auto* a : {openExperiment_, openRun_}) a->setIcon(style::icon("open"));
  for (auto* a : {saveExperiment_, saveRun_}) a->setIcon(style::icon("save"));
  for (auto* a : {openExperiment_, saveExperiment_, openRun_, saveRun_}) c_.window->addAction(a);

  connect(openExperiment_, &QAction::triggered, this, [this] {
    const QString path = askOpen(tr("Open experiment"), tr(kJsonFilter));
    if (!path.isEmpty()) openExperimentFile(path);
  });
  connect(saveExperiment_, &QAction::triggered, this, [this] {
    const QString path = askSave(tr("Save experiment"), "experiment.json", tr(kJsonFilter));
    if (!path.isEmpty()) saveExperimentFile(path);
  });
  connect(openRun_, &QAction::triggered, this, [this] {
    const QString folder = askFolder(tr("Open run folder"));
    if (!folder.isEmpty()) openRunFolder(folder);
  });
  connect(saveRun_, &QAction::triggered, this, [this] {
    Run* run = c_.currentRun();
    if (!run) return emit failed(tr("Nothing to save"), tr("Select a run in the run list first."));
    QString name = run->name.toLower();
    name.replace(QRegularExpression("[^a-z0-9]+"), "-");
    const QString folder = askSave(tr("Save run as a folder"), name, tr("Run folder (*)"));
    if (!folder.isEmpty()) saveRunTo(run, folder);
  });
  connect(saveCheckpoint_, &QAction::triggered, this, [this] {
    const QString path = askSave(tr("Save checkpoint"), RunFolder::kCheckpointFile, tr("Checkpoint (*.pt)"));
    if (!path.isEmpty()) c_.controller->requestCheckpoint(path);
  });
  connect(exportEncoder_, &QAction::triggered, this, [this] {
    const QString path = askSave(tr("Export encoder"), RunFolder::kEncoderFile, tr("PyTorch state dict (*.pth *.pt)"));
    if (path.isEmpty()) return;
    c_.controller->runJob([p = path.toStdString()](Trainer& t) { export_query_encoder(t, p); },
                          [this, path](const QString& error) {
                            if (error.isEmpty()) emit done(tr("Encoder exported to %1").arg(path));
                            else emit failed(tr("Export failed"), error);
                          });
  });
  connect(exportCsv_, &QAction::triggered, this, &FileActions::exportCsv);
  update();
}

void FileActions::addTo(QMenu* menu) const {
  menu->addAction(openExperiment_);
  menu->addAction(saveExperiment_);
  menu->addSeparator();
  menu->addAction(openRun_);
  menu->addAction(saveRun_);
  menu->addAction(exportCsv_);
  menu->addSeparator();
  menu->addAction(saveCheckpoint_);
  menu->addAction(exportEncoder_);
}

void FileActions::update() {
  const bool jobs = c_.controller->acceptsJobs();
  const QString why = tr(" (needs a model: start a run first)");
  saveCheckpoint_->setEnabled(jobs);
  exportEncoder_->setEnabled(jobs);
  saveCheckpoint_->setText(tr("Save checkpoint…") + (jobs ? QString() : why));
  exportEncoder_->setText(tr("Export encoder for PyTorch…") + (jobs ? QString() : why));
}

void FileActions::openExperimentFile(const QString& path) {
  try {
    c_.panel->setConfig(load_config_file(path.toStdString()));
    emit done(tr("Opened %1").arg(QDir::toNativeSeparators(path)));
  } catch (const std::exception& e) {
    emit failed(tr("Cannot open experiment"), QString::fromUtf8(e.what()));
  }
}

void FileActions::saveExperimentFile(const QString& path) {
  try {
    save_config_file(c_.panel->config(), QDir::toNativeSeparators(path).toStdString());
  } catch (const std::exception& e) {
    emit failed(tr("Cannot save experiment"), QString::fromUtf8(e.what()));
    return;
  }
  emit done(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
}

Run* FileActions::openRunFolder(const QString& folder) {
  try {
    return c_.runs->add(loadRunFolder(folder));
  } catch (const std::exception& e) {
    emit failed(tr("Cannot open run"), QString::fromUtf8(e.what()));
    return nullptr;
  }
}

void FileActions::saveRunTo(Run* run, const QString& folder) {
  try {
    saveRunFolder(*run, folder);
  } catch (const std::exception& e) {
    emit failed(tr("Cannot save run"), QString::fromUtf8(e.what()));
    return;
  }
  run->folder = folder;
  c_.runs->setStatus(run, run->status);
  // The live run also gets its checkpoint, like moco-train's folders (written between steps).
  if (run == c_.liveRun() && c_.controller->acceptsJobs()) c_.controller->requestCheckpoint(QDir(folder).filePath(RunFolder::kCheckpointFile));
  emit done(tr("Saved run to %1").arg(QDir::toNativeSeparators(folder)));
}

void FileActions::exportCsv() {
  Run* run = c_.currentRun();
  if (!run) return emit failed(tr("Nothing to export"), tr("Select a run in the run list first."));
  const QString path = askSave(tr("Export metrics"), RunFolder::kMetricsCsvFile, tr("CSV (*.csv)"));
  if (path.isEmpty()) return;
  try {
    write_metrics_csv({run->metrics.begin(), run->metrics.end()}, QDir::toNativeSeparators(path).toStdString());
    emit done(tr("Wrote %1 rows to %2").arg(run->metrics.size()).arg(QDir::toNativeSeparators(path)));
  } catch (const std::exception& e) {
    emit failed(tr("Cannot export metrics"), QString::fromUtf8(e.what()));
  }
}

QString FileActions::askOpen(const QString& title, const QString& filter) {
  const QString path = QFileDialog::getOpenFileName(c_.window, title, c_.settings->lastDirectory(), filter);
  if (!path.isEmpty()) c_.settings->setLastDirectory(QFileInfo(path).absolutePath());
  return path;
}

QString FileActions::askSave(const QString& title, const QString& name, const QString& filter) {
  const QString path = QFileDialog::getSaveFileName(c_.window, title, QDir(c_.settings->lastDirectory()).filePath(name), filter);
  if (!path.isEmpty()) c_.settings->setLastDirectory(QFileInfo(path).absolutePath());
  return path;
}

QString FileActions::askFolder(const QString& title) {
  const QString folder = QFileDialog::getExistingDirectory(c_.window, title, c_.settings->lastDirectory());
  if (!folder.isEmpty()) c_.settings->setLastDirectory(folder);
  return folder;
}

}  // namespace moco
