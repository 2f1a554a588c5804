// Shared look of every plot: title, fonts, grid, margins, and the right-click export menu.
#pragma once

#include <QString>

class QCPItemText;
class QCustomPlot;
class QPoint;
class QWidget;

namespace moco {

// Title row above the axis rect, small fonts, light grid, compact margins.
void stylePlot(QCustomPlot* plot, const QString& title, const QString& xLabel, const QString& yLabel);
// A grey note centred in the axis rect ("no data yet…"); the caller shows or hides it.
QCPItemText* addEmptyNote(QCustomPlot* plot, const QString& text);
// The right-click menu: save the plot as PNG or PDF (asks for the file; the title suggests a name).
void showPlotMenu(QCustomPlot* plot, const QPoint& globalPos, const QString& title);

}  // namespace moco
