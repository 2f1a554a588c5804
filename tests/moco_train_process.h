// moco-train run as a user runs it (tst_cli, tst_sweep): its exit code and output, and the
// arguments of a tiny synthetic run.
#pragma once

#include <QProcess>
#include <QStringList>

#include "test_timing.h"

namespace moco::test {

struct ProcessResult {
  int code;
  QString out, err;
};

inline ProcessResult run_moco_train(const QStringList& args,
                                    const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
  QProcess p;
  p.setProcessEnvironment(env);
  p.start(QStringLiteral(MOCO_TRAIN_PATH), args);
  const int limitMs = 300000 * kSlowdown;
  if (!p.waitForFinished(limitMs)) {  // a run cut short must not read as one that succeeded
    p.kill();
    p.waitForFinished(10000);
    return {-1, QString::fromUtf8(p.readAllStandardOutput()),
            QString("moco-train did not finish within %1 s: %2").arg(limitMs / 1000).arg(args.join(' '))};
  }
  return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

// A small synthetic run: narrow CNN, small queue, 16 x 16 images (tiny_config.h's, as --set).
inline const QStringList kTinyRunArgs = {
    "--preset", "v2", "--set", "data.dataset=synthetic", "--set", "data.synthetic_per_class=16", "--set",
    "data.synthetic_size=16", "--set", "model.width=8", "--set", "moco.queue_size=64", "--set", "moco.bn_splits=2",
    "--set", "optim.batch_size=16", "--set", "run.epochs=3", "--set", "run.device=cpu"};

}  // namespace moco::test
