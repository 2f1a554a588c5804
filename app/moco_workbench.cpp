// moco-workbench: the Qt desktop app. Opens on the last experiment shown (or the default experiment,
// preset fashion-mnist-demo: MoCo v2 with τ 0.1 on Fashion-MNIST, the synthetic set where
// Fashion-MNIST is not installed).
#include <QApplication>
#include <QCommandLineParser>

#include "app_settings.h"
#include "main_window.h"
#include "screenshot_tour.h"
#include "startup.h"
#include "style.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("MoCo Workbench");
  QApplication::setApplicationName("moco-workbench");
  QApplication::setDesktopFileName("io.github.mocoworkbench.MocoWorkbench");  // resources/<this>.desktop
  QApplication::setWindowIcon(moco::style::appIcon());
  moco::style::applyWorkbenchLook(app);

  QCommandLineParser cli;
  cli.setApplicationDescription("Train MoCo and watch it learn.");
  cli.addHelpOption();
  QCommandLineOption configOption("config", "Open this experiment JSON.", "file");
  QCommandLineOption shotsOption("screenshot", "Train briefly, save each view as PNG into DIR, quit.", "dir");
  QCommandLineOption stepsOption("screenshot-steps", "Steps before the screenshots (default 60).", "n", "60");
  QCommandLineOption sweepOption("screenshot-sweep", "A sweep folder to open for the Sweep tab's screenshot.", "dir");
  for (auto* hidden : {&shotsOption, &stepsOption, &sweepOption}) hidden->setFlags(QCommandLineOption::HiddenFromHelp);
  cli.addOptions({configOption, shotsOption, stepsOption, sweepOption});
  cli.process(app);

  const auto config = moco::initialExperiment(cli.value(configOption), moco::AppSettings().lastExperiment());
  moco::MainWindow window(config.first);
  window.show();
  if (!config.second.isEmpty()) window.showMessage(config.second);
  if (cli.isSet(shotsOption)) moco::ScreenshotTour::start(&window, cli.value(shotsOption), cli.value(stepsOption).toInt(), cli.value(sweepOption));
  return QApplication::exec();
}
