// A small pool of worker threads for the t-SNE kernels, created once per run. Work is handed out in
// blocks from a shared counter, and the calling thread works too: it takes every block the helpers have
// not claimed, so on a busy machine (e.g. while a model trains) a helper that is slow to be scheduled
// never holds a loop up. Each index's result is computed the same way whichever thread runs it, which
// keeps the output independent of the thread count.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace moco::tsne {

// The thread count to use: `requested`, or the number of hardware threads when it is 0.
int resolve_threads(int requested);

class WorkerPool {
 public:
  // `threads` workers in all: the calling thread and threads - 1 helpers.
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Calls body(begin, end) on disjoint ranges covering [0, n), `block` indices at a time, and returns
  // when all are done. An exception thrown by `body` stops the loop early and is rethrown here.
  void parallel_for(int64_t n, int64_t block, const std::function<void(int64_t, int64_t)>& body);

 private:
  struct Job;
  static void run_blocks(Job& job);
  void help();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::shared_ptr<Job> job_;  // the loop in progress; null between loops
  uint64_t job_number_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> helpers_;
};

}  // namespace moco::tsne
