#include "replot_pacer.h"

#include <qcustomplot.h>

#include <QCoreApplication>
#include <QEvent>
#include <QList>
#include <QPointer>
#include <QTimer>

namespace moco {
namespace {

// Between two replots the event loop handles input, timers and paints; 1 ms keeps a queue of ten
// plots drawn within a frame or two of each other.
constexpr int kTickMs = 1;

class ReplotPacer : public QObject {
 public:
  explicit ReplotPacer(QObject* parent) : QObject(parent) {
    timer_.setInterval(kTickMs);
    timer_.setTimerType(Qt::PreciseTimer);
    connect(&timer_, &QTimer::timeout, this, &ReplotPacer::replotNext);
  }

  void queue(QCustomPlot* plot) {
    if (!plot->window()->isVisible()) return plot->replot(QCustomPlot::rpQueuedReplot);
    if (!plot->isVisible()) return waitForShow(plot);
    if (!due_.contains(plot)) due_.append(plot);
    if (!timer_.isActive()) timer_.start();
  }

 private:
  // QPointers: a plot may be deleted while it waits, and a new one may take its address.
  void waitForShow(QCustomPlot* plot) {
    if (hidden_.contains(plot)) return;
    hidden_.append(plot);
    plot->installEventFilter(this);
  }

  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::Show) {
      watched->removeEventFilter(this);
      auto* plot = static_cast<QCustomPlot*>(watched);
      if (hidden_.removeAll(plot) > 0) queue(plot);
    }
    return false;
  }

  void replotNext() {
    while (!due_.isEmpty()) {
      const QPointer<QCustomPlot> plot = due_.takeFirst();
      if (!plot) continue;
      if (plot->isVisible()) return plot->replot();  // draws its buffers; the paint follows as its own event
      waitForShow(plot);  // hidden since it was queued
    }
    timer_.stop();
    hidden_.removeAll(nullptr);
  }

  QTimer timer_;
  QList<QPointer<QCustomPlot>> due_;
  QList<QPointer<QCustomPlot>> hidden_;
};

}  // namespace

void queueReplot(QCustomPlot* plot) {
  static QPointer<ReplotPacer> pacer;  // the GUI thread's, gone with the application
  if (!pacer) pacer = new ReplotPacer(QCoreApplication::instance());
  pacer->queue(plot);
}

}  // namespace moco
