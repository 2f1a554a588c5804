#include "tsne/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>

namespace moco::tsne {

// One parallel_for call. Helpers hold it through a shared_ptr, so one that wakes after the loop ended
// finds no block left and never touches `body`, which lives only as long as that call.
struct WorkerPool::Job {
  const std::function<void(int64_t, int64_t)>* body = nullptr;
  int64_t n = 0, block = 1, blocks = 0;
  std::atomic<int64_t> next_block{0};
  std::atomic<int64_t> finished_blocks{0};
  std::atomic<bool> failed{false};  // remaining blocks are then counted as finished without running
  std::mutex mutex;                 // guards `failure` and pairs with `all_finished`
  std::condition_variable all_finished;
  std::exception_ptr failure;
};

int resolve_threads(int requested) {
  if (requested > 0) return requested;
  return int(std::max(1u, std::thread::hardware_concurrency()));
}

WorkerPool::WorkerPool(int threads) {
  for (int t = 1; t < threads; ++t) helpers_.emplace_back([this] { help(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& helper : helpers_) helper.join();
}

void WorkerPool::run_blocks(Job& job) {
  for (int64_t b = job.next_block++; b < job.blocks; b = job.next_block++) {
    if (!job.failed) {
      try {
        (*job.body)(b * job.block, std::min(job.n, (b + 1) * job.block));
      } catch (...) {
        std::lock_guard<std::mutex> lock(job.mutex);
        if (!job.failure) job.failure = std::current_exception();
        job.failed = true;
      }
    }
    if (++job.finished_blocks == job.blocks) {
      std::lock_guard<std::mutex> lock(job.mutex);
      job.all_finished.notify_all();
    }
  }
}

void WorkerPool::help() {
  uint64_t last_job = 0;
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || (job_ && job_number_ != last_job); });
      if (stopping_) return;
      last_job = job_number_;
      job = job_;
    }
    run_blocks(*job);
  }
}

void WorkerPool::parallel_for(int64_t n, int64_t block, const std::function<void(int64_t, int64_t)>& body) {
  if (n <= 0) return;
  auto job = std::make_shared<Job>();
  job->body = &body;
  job->n = n;
  job->block = std::max<int64_t>(1, block);
  job->blocks = (n + job->block - 1) / job->block;
  if (!helpers_.empty() && job->blocks > 1) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = job;
      ++job_number_;
    }
    wake_.notify_all();
  }
  run_blocks(*job);
  {
    // Blocks still running on helpers; blocks a helper never claimed were all run above.
    std::unique_lock<std::mutex> lock(job->mutex);
    job->all_finished.wait(lock, [&] { return job->finished_blocks == job->blocks; });
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (job_ == job) job_.reset();
  }
  if (job->failure) std::rethrow_exception(job->failure);
}

}  // namespace moco::tsne
