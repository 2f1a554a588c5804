// Work off the GUI thread and results back onto it. Background work runs on the window's own
// thread pool (backgroundPool below says why not Qt's global one); results are posted through
// qApp, which outlives every window, and checked with a QPointer on the GUI thread, so a window
// closed meanwhile is safe.
//
// Every hand-off between threads goes through startInPool and postToGui. Debian's Qt synchronises
// them with futex-based mutexes ThreadSanitizer cannot see (Qt is not built with it), so under TSan
// the two mark each hand-off themselves: what the sender did before it happens-before what the
// receiver does. Elsewhere they compile to the plain Qt calls.
#pragma once

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QThreadPool>
#include <exception>
#include <memory>
#include <utility>

#include "api/background_priority.h"

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace moco {

namespace detail {
#if defined(__SANITIZE_THREAD__)
// The one address every hand-off releases and every receiver acquires. An address of the
// functor's own would have to be read out of memory Qt or std::function just copied, before the
// acquire that makes that copy visible.
inline char handOffs;

// `f`, marked for ThreadSanitizer: every construction (Qt and std::function move it into their
// own storage) releases after writing it, and the receiving thread acquires before running or
// destroying it.
template <typename F>
class HandedOff {
 public:
  explicit HandedOff(F f) : f_(std::move(f)) { __tsan_release(&handOffs); }
  HandedOff(HandedOff&& other) : f_(std::move(other.f_)) { __tsan_release(&handOffs); }
  HandedOff(const HandedOff& other) : f_(other.f_) { __tsan_release(&handOffs); }
  HandedOff& operator=(const HandedOff&) = delete;
  ~HandedOff() { __tsan_acquire(&handOffs); }
  void operator()() {
    __tsan_acquire(&handOffs);
    f_();
  }

 private:
  F f_;
};
#endif

// `f`, and under ThreadSanitizer `f` marked so that what the sending thread did before happens-
// before `f` and its destruction on the receiving thread.
template <typename F>
auto handedOff(F f) {
#if defined(__SANITIZE_THREAD__)
  return HandedOff<F>(std::move(f));
#else
  return f;
#endif
}
}  // namespace detail

// The thread pool our background jobs run on. Not Qt's global pool: Qt 6.4 (Debian 12's) splits a
// large image conversion or fill into tasks on the global pool and blocks the GUI thread until
// they have run, so a repaint waited behind our long jobs there (t-SNE maps, the kNN floors,
// dataset loading) — the GUI soak sampled a progress bar's paintEvent waiting 230 ms in
// QSemaphore::acquire. Qt 6.6 moved its own work to a private pool; this moves ours instead. As
// QCoreApplication does for the global pool, it is drained before the application object goes,
// so a job finishing late still has qApp to post to.
inline QThreadPool* backgroundPool() {
  static QThreadPool* const pool = [] {
    auto* created = new QThreadPool;  // lives as long as the process, like the global pool
    qAddPostRoutine([] { backgroundPool()->waitForDone(); });
    return created;
  }();
  return pool;
}

// Runs `f()` on `receiver`'s thread (queued behind what is already posted); not at all when
// `receiver` is destroyed first (QObject's destructor discards what was posted to it).
template <typename F>
void postTo(QObject* receiver, F f) {
  QMetaObject::invokeMethod(receiver, detail::handedOff(std::move(f)), Qt::QueuedConnection);
}

// Runs `f()` on the GUI thread.
template <typename F>
void postToGui(F f) {
  postTo(qApp, std::move(f));
}

// Runs `f()` on a thread of backgroundPool(), below the GUI thread's priority (and so are the
// threads `f` starts: t-SNE's helpers) — api/background_priority.h says why.
template <typename F>
void startInPool(F f) {
  backgroundPool()->start(detail::handedOff([f = std::move(f)]() mutable {
    lower_to_background_priority();
    f();
  }));
}

// `work()` returns a value; `done(value)` or `failed(message)` runs later on the GUI thread, if
// `context` still exists then.
template <typename Work, typename Done, typename Failed>
void runInBackground(QObject* context, Work work, Done done, Failed failed) {
  QPointer<QObject> guard(context);
  startInPool([guard, work = std::move(work), done = std::move(done), failed = std::move(failed)]() mutable {
    try {
      auto result = std::make_shared<decltype(work())>(work());
      postToGui([guard, done, result] {
        if (guard) done(std::move(*result));
      });
    } catch (const std::exception& e) {
      const QString message = QString::fromUtf8(e.what());
      postToGui([guard, failed, message] {
        if (guard) failed(message);
      });
    }
  });
}

}  // namespace moco
