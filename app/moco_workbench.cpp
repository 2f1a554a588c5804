// moco-workbench: the Qt desktop app. Opens on the default experiment (MoCo v2 on Fashion-MNIST,
// or the synthetic set where Fashion-MNIST is not installed).
#include <QApplication>

#include "main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("MoCo Workbench");
  QApplication::setApplicationName("moco-workbench");
  moco::MainWindow window(moco::preset_v2());
  window.show();
  return QApplication::exec();
}
