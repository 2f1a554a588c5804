// Shared look of every plot: title, fonts, grid, margins, and the right-click export menu.
#pragma once

#include <QString>

class QCustomPlot;
class QPoint;
class QWidget;

namespace moco {

// Title row above the axis rect, small fonts, light grid, compact margins.
void stylePlot(QCustomPlot* plot, const QString& title, const QString& xLabel, const QString& yLabel);
// The right-click menu: save the plot as PNG or PDF (asks for the file; the title suggests a name).
void showPlotMenu(QCustomPlot* plot, const QPoint& globalPos, const QString& title);

}  // namespace moco
