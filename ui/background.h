// Runs work off the GUI thread (Qt's global thread pool) and hands the result back to the GUI
// thread, to `context` if it still exists then. The result is posted through qApp, which outlives
// every window, and checked with a QPointer on the GUI thread, so a window closed meanwhile is safe.
#pragma once

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QThreadPool>
#include <exception>
#include <memory>
#include <utility>

namespace moco {

// `work()` returns a value; `done(value)` or `failed(message)` runs later on the GUI thread.
template <typename Work, typename Done, typename Failed>
void runInBackground(QObject* context, Work work, Done done, Failed failed) {
  QPointer<QObject> guard(context);
  QThreadPool::globalInstance()->start([guard, work = std::move(work), done = std::move(done), failed = std::move(failed)]() mutable {
    try {
      auto result = std::make_shared<decltype(work())>(work());
      QMetaObject::invokeMethod(qApp, [guard, done, result] {
        if (guard) done(std::move(*result));
      }, Qt::QueuedConnection);
    } catch (const std::exception& e) {
      const QString message = QString::fromUtf8(e.what());
      QMetaObject::invokeMethod(qApp, [guard, failed, message] {
        if (guard) failed(message);
      }, Qt::QueuedConnection);
    }
  });
}

}  // namespace moco
