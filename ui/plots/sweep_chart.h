// A sweep's result at a glance: final kNN top-1 (%) per setting as bars, mean over seeds with ± sd
// error bars (only where two or more seeds measured), and the raw-pixel and random-encoder floors
// as labelled dashed lines: a setting below a floor learned nothing worth its training.
#pragma once

#include <qcustomplot.h>

#include <QStringList>
#include <optional>

#include "api/analysis.h"
#include "api/sweep.h"

namespace moco {

class SweepChart : public QCustomPlot {
  Q_OBJECT
 public:
  explicit SweepChart(QWidget* parent = nullptr);

  // One bar slot per planned setting (in `settings`' order); settings `summary` has no kNN for yet
  // keep an empty slot, so bars do not move as a sweep fills in.
  void showSweep(const QStringList& settings, const SweepSummary& summary, const std::optional<Floors>& floors);
  void clear();

  // What it draws, read as a test or a screen reader would: bar heights (%), in slot order
  // (NaN for an empty slot), the error bars drawn, the floor lines' labels, the tick labels.
  QVector<double> barValues() const;
  int errorBarCount() const;
  QStringList floorLabels() const;
  QStringList tickLabels() const;

  // "moco.momentum=0.99,moco.temperature=0.2" as short lines a tick label can hold.
  static QString wrapSetting(const QString& setting);

 protected:
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  void addFloor(const QString& label, double percent, const QColor& colour, Qt::PenStyle style);

  QCPBars* bars_;
  QCPErrorBars* errors_;
  QVector<double> values_;
  QList<QCPAbstractItem*> decorations_;  // floor lines, their labels, the bars' value labels
  QStringList floorLabels_;
  QCPItemText* empty_;
};

}  // namespace moco
