#include "sweep_process.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace moco {
namespace {
constexpr int kCheckpointWaitMs = 5000;  // a CPU step plus writing the checkpoint, when the window closes
}

SweepProcess::SweepProcess(QObject* parent) : QObject(parent), process_(new QProcess(this)) {
  program_ = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("moco-train"));
  connect(process_, &QProcess::readyReadStandardError, this, &SweepProcess::readErrors);
  connect(process_, &QProcess::started, this, &SweepProcess::started);
  connect(process_, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
    readErrors();
    if (!partial_.trimmed().isEmpty()) lastLine_ = partial_.trimmed();
    partial_.clear();
    if (status == QProcess::CrashExit)
      emit failed(tr("moco-train (%1) crashed; its last message: %2").arg(program_, lastLine_.isEmpty() ? tr("none") : lastLine_));
    else
      emit finished(code);
  });
  connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
    if (error == QProcess::FailedToStart)
      emit failed(tr("cannot start moco-train at '%1': %2").arg(QDir::toNativeSeparators(program_), process_->errorString()));
  });
}

SweepProcess::~SweepProcess() {
  if (!isRunning()) return;
  process_->disconnect(this);
  process_->terminate();
  if (!process_->waitForFinished(kCheckpointWaitMs)) process_->kill();
}

void SweepProcess::setProgram(const QString& path) { program_ = path; }

bool SweepProcess::isRunning() const { return process_->state() != QProcess::NotRunning; }

void SweepProcess::start(const QString& lesson, const QString& folder) {
  if (isRunning()) return emit failed(tr("a lesson is running already (%1): stop it first").arg(lesson_));
  const QFileInfo program(program_);
  if (!program.exists() || !program.isExecutable())
    return emit failed(tr("moco-train was not found at '%1' (it is built beside moco-workbench; build the moco-train target)")
                           .arg(QDir::toNativeSeparators(program_)));
  lesson_ = lesson;
  folder_ = folder;
  lastLine_.clear();
  partial_.clear();
  process_->start(program_, QStringList{"--lesson", lesson, "--out", QDir::toNativeSeparators(folder)} + extra_);
}

void SweepProcess::stop() {
  if (isRunning()) process_->terminate();
}

void SweepProcess::readErrors() {
  static const QRegularExpression armLine(QStringLiteral("^moco-train: arm (\\d+)/(\\d+) ([^:]+)"));
  partial_ += QString::fromUtf8(process_->readAllStandardError());
  // Lines end in \n; the decoding counter redraws itself with \r.
  const QStringList lines = partial_.split(QRegularExpression(QStringLiteral("[\r\n]")));
  partial_ = lines.back();
  for (int i = 0; i + 1 < lines.size(); ++i) {
    const QString line = lines[i].trimmed();
    if (line.isEmpty()) continue;
    lastLine_ = line;
    if (const auto m = armLine.match(line); m.hasMatch())
      emit armStarted(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).trimmed());
  }
}

}  // namespace moco
