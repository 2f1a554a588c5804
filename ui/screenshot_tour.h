// The hidden --screenshot DIR mode of moco-workbench: trains the opened experiment for a few
// steps, saves the window and each view as PNG (QWidget::grab), then quits. For docs/*.png. With
// --screenshot-sweep FOLDER it opens that sweep folder last and shoots the Sweep tab too.
#pragma once

#include <QObject>
#include <QString>

namespace moco {

class MainWindow;

class ScreenshotTour : public QObject {
  Q_OBJECT
 public:
  // Starts the tour on `window` (the tour deletes itself when done). `sweepFolder` may be empty.
  static void start(MainWindow* window, const QString& directory, int steps, const QString& sweepFolder = {});

 private:
  ScreenshotTour(MainWindow* window, const QString& directory, int steps, const QString& sweepFolder);
  void onMetrics();
  void shoot();
  void finish();
  void save(QWidget* widget, const QString& name);

  MainWindow* window_;
  QString directory_;
  int steps_;
  QString sweepFolder_;
  bool shooting_ = false;
};

}  // namespace moco
