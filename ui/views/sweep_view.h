// The Sweep tab: an opened sweep folder or a running lesson. Above, the lesson's texts (what to look
// for, the paper's result, ours) when sweep.json names one; then the final kNN per setting as bars
// (plots/sweep_chart.h) and the summary table, mean ± sd over seeds. While a lesson runs, its
// progress and a Stop button sit in the heading.
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace moco {

struct Lesson;
class SweepChart;
class SweepRuns;

class SweepView : public QWidget {
  Q_OBJECT
 public:
  explicit SweepView(QWidget* parent = nullptr);

  // Draws what `sweep` holds now (its plan, summary, floors and arm states).
  void showSweep(const SweepRuns& sweep);
  // The lesson the sweep was started from; null hides the lesson's texts.
  void setLesson(const Lesson* lesson);
  // A running lesson's progress ("arm 3/8 moco.momentum=0.9,seed=0"); empty hides it and Stop.
  void setProgress(const QString& progress);

  SweepChart* chart() const { return chart_; }
  QTableWidget* table() const { return table_; }

 signals:
  void stopRequested();

 private:
  void fillTable(const SweepRuns& sweep);
  void fitTableHeight();

  QLabel *lesson_, *heading_, *progress_;
  QPushButton* stop_;
  SweepChart* chart_;
  QTableWidget* table_;
};

}  // namespace moco
