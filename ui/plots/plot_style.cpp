#include "plot_style.h"

#include <qcustomplot.h>

#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>

#include "palette.h"
#include "save_file.h"

namespace moco {
namespace {
constexpr double kPngScale = 2.0;  // exported PNGs at twice the screen resolution: crisp on slides
}

QCPItemText* addEmptyNote(QCustomPlot* plot, const QString& text) {
  auto* note = new QCPItemText(plot);
  note->position->setType(QCPItemPosition::ptAxisRectRatio);
  note->position->setCoords(0.5, 0.5);
  note->setColor(palette::muted());
  note->setText(text);
  return note;
}

void stylePlot(QCustomPlot* plot, const QString& title, const QString& xLabel, const QString& yLabel) {
  QFont font = plot->font();
  font.setPointSizeF(8.5);
  QFont titleFont = font;
  titleFont.setPointSizeF(10);
  titleFont.setBold(true);
  plot->setNoAntialiasingOnDrag(true);
  plot->setAntialiasedElements(QCP::aePlottables);
  plot->plotLayout()->insertRow(0);
  auto* heading = new QCPTextElement(plot, title, titleFont);
  heading->setMargins(QMargins(0, 4, 0, 0));
  plot->plotLayout()->addElement(0, 0, heading);
  for (QCPAxis* axis : {plot->xAxis, plot->yAxis, plot->yAxis2}) {  // yAxis2: for plots that show it
    axis->setTickLabelFont(font);
    axis->setLabelFont(font);
    axis->setBasePen(QPen(palette::rule()));
    axis->setTickPen(QPen(palette::rule()));
    axis->setSubTickPen(QPen(palette::hairline()));
    axis->setTickLabelColor(palette::ink());
    axis->setLabelColor(palette::ink());
    axis->grid()->setPen(QPen(palette::gridLine(), 1, Qt::SolidLine));
    axis->grid()->setSubGridVisible(false);
    axis->setPadding(2);
    axis->setLabelPadding(3);
  }
  plot->xAxis->setLabel(xLabel);
  plot->yAxis->setLabel(yLabel);
  plot->legend->setFont(font);
  plot->legend->setBrush(palette::faded(palette::paper(), 210));
  plot->legend->setBorderPen(QPen(palette::hairline()));
  plot->legend->setIconSize(18, 8);
  plot->legend->setRowSpacing(-2);
  plot->axisRect()->setAutoMargins(QCP::msLeft | QCP::msBottom);
  plot->axisRect()->setMargins(QMargins(0, 6, 12, 0));
  plot->setMinimumSize(220, 170);
}

void showPlotMenu(QCustomPlot* plot, const QPoint& globalPos, const QString& title) {
  QMenu menu(plot);
  QString base = title.toLower();
  base.replace(QRegularExpression("[^a-z0-9]+"), "-");
  auto* png = menu.addAction(QObject::tr("Export as PNG…"));
  menu.addAction(QObject::tr("Export as PDF…"));
  QAction* chosen = menu.exec(globalPos);
  if (!chosen) return;
  const bool asPng = chosen == png;
  const QString path = QFileDialog::getSaveFileName(plot, QObject::tr("Export plot"), base + (asPng ? ".png" : ".pdf"),
                                                    asPng ? QObject::tr("PNG image (*.png)") : QObject::tr("PDF document (*.pdf)"));
  if (path.isEmpty()) return;
  QString error;
  const bool ok = asPng ? saveImage(plot->toPixmap(0, 0, kPngScale).toImage(), path, "PNG", &error)
                        : saveThroughTemporaryFile(path, [plot](const QString& temporary) { return plot->savePdf(temporary); }, &error);
  if (!ok) QMessageBox::warning(plot, QObject::tr("Export failed"), error);
}

}  // namespace moco
