#include "sweep_actions.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QMenu>
#include <QStatusBar>
#include <QTabWidget>

#include "api/analysis.h"
#include "api/lessons.h"
#include "app_settings.h"
#include "lesson_dialog.h"
#include "message_banner.h"
#include "style.h"
#include "sweep_process.h"
#include "sweep_runs.h"
#include "views/sweep_view.h"

namespace moco {

SweepActions::SweepActions(Context context)
    : QObject(context.window), c_(std::move(context)), sweep_(new SweepRuns(c_.runs, this)), process_(new SweepProcess(this)) {
  openSweep_ = new QAction(tr("Open sweep folder…"), this);
  openSweep_->setObjectName("openSweep");
  openSweep_->setIcon(style::icon("open"));
  const QString tip = tr("Open a sweep folder written by moco-train --sweep or --lesson: every arm as a run, the results in the Sweep tab");
  openSweep_->setToolTip(tip);
  openSweep_->setStatusTip(tip);
  connect(openSweep_, &QAction::triggered, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(c_.window, tr("Open sweep folder"), c_.settings->lastDirectory());
    if (folder.isEmpty()) return;
    c_.settings->setLastDirectory(folder);
    openSweepFolder(folder);
  });

  progress_ = new QLabel;
  progress_->setObjectName("lessonProgress");
  progress_->setContentsMargins(6, 0, 6, 0);
  progress_->hide();
  c_.statusBar->addPermanentWidget(progress_);

  connect(sweep_, &SweepRuns::changed, this, &SweepActions::showSweep);
  connect(c_.view, &SweepView::stopRequested, process_, &SweepProcess::stop);
  connect(process_, &SweepProcess::armStarted, this, &SweepActions::onArmStarted);
  connect(process_, &SweepProcess::finished, this, &SweepActions::onFinished);
  connect(process_, &SweepProcess::failed, this, &SweepActions::onFailed);
}

bool SweepActions::openSweepFolder(const QString& folder) {
  if (process_->isRunning() && QDir(folder) == QDir(process_->folder())) {
    c_.views->setCurrentWidget(c_.view);  // followed already
    return true;
  }
  try {
    sweep_->open(folder);
  } catch (const std::exception& e) {
    c_.banner->show(MessageBanner::Level::Error, tr("Cannot open sweep:"), QString::fromUtf8(e.what()));
    return false;
  }
  showSweep();
  c_.views->setCurrentWidget(c_.view);
  const QStringList problems = sweep_->problems();
  if (!problems.isEmpty())
    c_.banner->show(MessageBanner::Level::Warning, tr("Some arms could not be read:"), problems.join('\n'));
  c_.statusBar->showMessage(tr("Opened sweep %1: %2 of %3 arms finished")
                                .arg(QDir::toNativeSeparators(folder))
                                .arg(sweep_->finishedCount())
                                .arg(sweep_->armCount()));
  return true;
}

void SweepActions::runLesson(const QString& name, const QString& folder) {
  if (process_->isRunning()) {
    c_.banner->show(MessageBanner::Level::Warning, tr("A lesson is running:"),
                    tr("%1 writes into %2; stop it before starting another.").arg(process_->lesson(), process_->folder()));
    return;
  }
  process_->start(name, folder);
  if (!process_->isRunning()) return;  // failed() said why
  c_.banner->hide();
  sweep_->follow(folder);
  showSweep();
  c_.views->setCurrentWidget(c_.view);
  const QString waiting = tr("starting moco-train…");
  c_.view->setProgress(waiting);
  progress_->setText(tr("Lesson %1: %2").arg(name, waiting));
  progress_->show();
}

void SweepActions::addLessonsTo(QMenu* menu) {
  for (const std::string& name : lesson_names()) {
    const QString title = QString::fromStdString(lesson_by_name(name).title);
    QAction* a = menu->addAction(title + QStringLiteral("…"));
    a->setObjectName(QStringLiteral("lesson:") + QString::fromStdString(name));
    a->setStatusTip(tr("Run the lesson '%1' as a sweep in its own moco-train process").arg(title));
    connect(a, &QAction::triggered, this, [this, name] { showLessonDialog(QString::fromStdString(name)); });
  }
}

LessonDialog* SweepActions::showLessonDialog(const QString& name) {
  try {
    const Lesson lesson = lesson_by_name(name.toStdString());
    auto* dialog = new LessonDialog(lesson, cuda_available(), c_.settings->lessonFolder(name), c_.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
      runLesson(QString::fromStdString(dialog->lesson().name), dialog->folder());
    });
    dialog->open();
    return dialog;
  } catch (const std::exception& e) {
    c_.banner->show(MessageBanner::Level::Error, tr("Cannot show the lesson:"), QString::fromUtf8(e.what()));
    return nullptr;
  }
}

void SweepActions::showLessonTexts() {
  const QString lesson = sweep_->hasPlan() ? QString::fromStdString(sweep_->plan().lesson) : QString();
  if (lesson == lessonShown_) return;
  lessonShown_ = lesson;
  if (lesson.isEmpty()) return c_.view->setLesson(nullptr);
  try {
    const Lesson texts = lesson_by_name(lesson.toStdString());
    c_.view->setLesson(&texts);
  } catch (const std::exception&) {
    c_.view->setLesson(nullptr);  // a lesson this build does not know: the sweep still shows
  }
}

void SweepActions::showSweep() {
  showLessonTexts();
  c_.view->showSweep(*sweep_);
}

void SweepActions::onArmStarted(int arm, int arms, const QString& name) {
  const QString text = tr("arm %1/%2 %3").arg(arm).arg(arms).arg(name);
  progress_->setText(tr("Lesson %1: %2").arg(process_->lesson(), text));
  c_.view->setProgress(text);
  sweep_->setRunningArm(name);
}

void SweepActions::onFinished(int exitCode) {
  sweep_->setWatching(false);  // reads what the last arm wrote
  progress_->hide();
  c_.view->setProgress({});
  showSweep();
  const QString lesson = process_->lesson(), folder = QDir::toNativeSeparators(process_->folder());
  if (exitCode == 0)
    c_.statusBar->showMessage(tr("Lesson %1 finished: %2 arms in %3").arg(lesson).arg(sweep_->armCount()).arg(folder));
  else if (exitCode == SweepProcess::kInterruptedCode)
    c_.banner->show(MessageBanner::Level::Info, tr("Lesson %1 stopped:").arg(lesson),
                    tr("the running arm saved its checkpoint; run the lesson again into %1 to resume it.").arg(folder));
  else if (exitCode == SweepProcess::kDivergedCode)
    c_.banner->show(MessageBanner::Level::Warning, tr("Lesson %1: an arm diverged:").arg(lesson), process_->lastLine());
  else
    c_.banner->show(MessageBanner::Level::Error, tr("Lesson %1 failed:").arg(lesson),
                    tr("moco-train exited with code %1: %2").arg(exitCode).arg(process_->lastLine()));
}

void SweepActions::onFailed(const QString& message) {
  if (sweep_->isWatching()) sweep_->setWatching(false);
  progress_->hide();
  c_.view->setProgress({});
  c_.banner->show(MessageBanner::Level::Error, tr("Cannot run the lesson:"), message);
}

}  // namespace moco
