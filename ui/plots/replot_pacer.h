// How every plot of the window asks to be redrawn: queueReplot(plot). Plots are replotted one per
// turn of the event loop, and a plot on a hidden tab only once it is shown again.
//
// Why not QCustomPlot's own rpQueuedReplot: its queued replots are posted events, and all of them
// run in the same pass of the event loop. At a run's start the ten plots of the training curves
// each queued one (10-30 ms apiece on 2 cores): one stall of 100-300 ms, 7 of the 10 longest gaps
// of the 30-minute soak, and the plots of hidden tabs paid as much as the visible ones.
#pragma once

class QCustomPlot;

namespace moco {

// Replots `plot` soon: after the replots queued before it, one per event-loop turn. A plot whose
// window is not shown (being set up, or exported) gets QCustomPlot's queued replot as before.
void queueReplot(QCustomPlot* plot);

}  // namespace moco
