#include "sweep_view.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "api/lessons.h"
#include "plots/sweep_chart.h"
#include "sweep_runs.h"

namespace moco {
namespace {
enum Column { kSetting, kSeeds, kFinalKnn, kBestKnn, kProbe, kLoss, kWall, kColumns };
constexpr int kTableRowsShown = 8;  // more settings scroll: the chart keeps most of the height

// "42.1 ± 1.3" (sd only where two or more seeds measured), "–" when nothing was measured.
QString meanSdText(const MeanSd& v, double scale, int decimals) {
  if (std::isnan(v.mean)) return QStringLiteral("–");
  QString text = QString::number(scale * v.mean, 'f', decimals);
  if (!std::isnan(v.sd)) text += QStringLiteral(" ± ") + QString::number(scale * v.sd, 'f', decimals);
  return text;
}

QTableWidgetItem* cell(const QString& text, bool number) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
  item->setTextAlignment(number ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter);
  return item;
}
}  // namespace

SweepView::SweepView(QWidget* parent) : QWidget(parent) {
  setObjectName("sweep");
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(12, 10, 12, 10);
  lesson_ = new QLabel;
  lesson_->setObjectName("sweepLesson");
  lesson_->setWordWrap(true);
  lesson_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  lesson_->hide();
  heading_ = new QLabel(tr("<b>Sweep</b> · open a sweep folder (File → Open sweep folder…) or run a lesson (Lessons menu)."));
  heading_->setObjectName("sweepHeading");
  heading_->setWordWrap(true);
  progress_ = new QLabel;
  progress_->setObjectName("sweepProgress");
  progress_->setProperty("role", "status");
  stop_ = new QPushButton(tr("Stop lesson"));
  stop_->setObjectName("stopLesson");
  stop_->setToolTip(tr("moco-train saves the arm's checkpoint and ends; running the lesson again into the same folder resumes it"));
  progress_->hide();
  stop_->hide();
  auto* row = new QHBoxLayout;
  row->addWidget(heading_, 1);
  row->addWidget(progress_);
  row->addWidget(stop_);
  chart_ = new SweepChart;
  table_ = new QTableWidget(0, kColumns);
  table_->setObjectName("sweepTable");
  table_->setHorizontalHeaderLabels(
      {tr("Setting"), tr("Seeds"), tr("Final kNN %"), tr("Best kNN %"), tr("Linear probe %"), tr("Final loss"), tr("Wall time s")});
  table_->verticalHeader()->hide();
  table_->setAlternatingRowColors(true);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(kSetting, QHeaderView::Stretch);
  column->addWidget(lesson_);
  column->addLayout(row);
  column->addWidget(chart_, 1);
  column->addWidget(table_);
  connect(stop_, &QPushButton::clicked, this, &SweepView::stopRequested);
  fitTableHeight();
}

void SweepView::fitTableHeight() {
  // As tall as its rows (a lesson has up to a dozen settings): the chart takes the rest.
  const int rows = std::min(table_->rowCount(), kTableRowsShown);
  table_->setFixedHeight(table_->horizontalHeader()->sizeHint().height() + 2 * table_->frameWidth() +
                         rows * table_->verticalHeader()->defaultSectionSize() + 4);
}

void SweepView::setLesson(const Lesson* lesson) {
  lesson_->setVisible(lesson != nullptr);
  if (!lesson) return;
  const auto line = [](const QString& label, const std::string& text) {
    return QStringLiteral("<p style='margin:2px 0'><b>%1</b> %2</p>").arg(label, QString::fromStdString(text).toHtmlEscaped());
  };
  lesson_->setText(QStringLiteral("<p style='margin:0 0 4px 0'><b>%1</b></p>").arg(QString::fromStdString(lesson->title).toHtmlEscaped()) +
                   line(tr("Look for:"), lesson->look_for) + line(tr("Paper:"), lesson->paper) + line(tr("Ours:"), lesson->ours));
}

void SweepView::setProgress(const QString& progress) {
  progress_->setText(progress);
  progress_->setVisible(!progress.isEmpty());
  stop_->setVisible(!progress.isEmpty());
}

void SweepView::showSweep(const SweepRuns& sweep) {
  const QString name = QDir::toNativeSeparators(sweep.folder());
  if (!sweep.hasPlan()) {
    heading_->setText(tr("<b>Sweep</b> %1 · waiting for moco-train to write its plan…").arg(name.toHtmlEscaped()));
    chart_->clear();
    table_->setRowCount(0);
    fitTableHeight();
    return;
  }
  const QStringList settings = sweep.settings();
  const int64_t seeds = sweep.plan().seeds;
  heading_->setText(tr("<b>Sweep</b> %1 · %2 settings × %3, %4 steps each · %5 of %6 arms finished")
                        .arg(name.toHtmlEscaped())
                        .arg(settings.size())
                        .arg(seeds == 1 ? tr("1 seed") : tr("%1 seeds").arg(seeds))
                        .arg(sweep.plan().steps > 0 ? QString::number(sweep.plan().steps) : tr("the schedule's"))
                        .arg(sweep.finishedCount())
                        .arg(sweep.armCount()));
  chart_->showSweep(settings, sweep.summary(), sweep.floors());
  fillTable(sweep);
}

void SweepView::fillTable(const SweepRuns& sweep) {
  const SweepSummary summary = sweep.summary();
  const QStringList settings = sweep.settings();
  table_->setRowCount(int(settings.size()));
  for (int row = 0; row < settings.size(); ++row) {
    int finished = 0, started = 0;
    bool running = false;
    for (const auto& arm : summary.arms) {
      if (QString::fromStdString(arm.setting) != settings[row]) continue;
      ++started;
      finished += arm.finished;
      running |= QString::fromStdString(arm.arm) == sweep.runningArm();
    }
    QString seeds = QString::number(finished);
    if (finished < sweep.plan().seeds) {
      seeds = tr("%1 of %2").arg(finished).arg(sweep.plan().seeds);
      if (running) seeds += tr(" · running");
      else if (started > finished) seeds += tr(" · unfinished");
    }
    table_->setItem(row, kSetting, cell(settings[row], false));
    table_->setItem(row, kSeeds, cell(seeds, true));
    const auto it = std::find_if(summary.settings.begin(), summary.settings.end(),
                                 [&](const SettingSummary& s) { return QString::fromStdString(s.setting) == settings[row]; });
    const SettingSummary s = it != summary.settings.end() ? *it : SettingSummary{};
    table_->setItem(row, kFinalKnn, cell(meanSdText(s.final_knn, 100, 1), true));
    table_->setItem(row, kBestKnn, cell(meanSdText(s.best_knn, 100, 1), true));
    table_->setItem(row, kProbe, cell(meanSdText(s.final_probe, 100, 1), true));
    table_->setItem(row, kLoss, cell(meanSdText(s.final_loss, 1, 3), true));
    table_->setItem(row, kWall, cell(meanSdText(s.wall_seconds, 1, 1), true));
  }
  fitTableHeight();
}

}  // namespace moco
