#include "dist/peer_watch.h"

#include <algorithm>

namespace moco {
namespace {

using Clock = std::chrono::steady_clock;

std::string beat_key(int rank) { return "heartbeat/" + std::to_string(rank); }
std::string bye_key(int rank) { return "goodbye/" + std::to_string(rank); }

}  // namespace

PeerWatch::PeerWatch(Counter counter, int rank, int size, std::chrono::milliseconds timeout)
    : counter_(std::move(counter)), rank_(rank), size_(size), timeout_(timeout) {
  thread_ = std::thread([this] { run(); });
}

PeerWatch::~PeerWatch() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
  try {
    counter_(bye_key(rank_), 1);
    // Rank 0's process holds the store: it stays until the others have said goodbye (for at most
    // the timeout), so that none of them takes the store closing for rank 0's death.
    if (rank_ == 0 && verdict_.empty()) {
      const auto deadline = Clock::now() + timeout_;
      for (int peer = 1; peer < size_; ++peer)
        while (counter_(bye_key(peer), 0) == 0 && Clock::now() < deadline)
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  } catch (const std::exception&) {
    // The store is gone (rank 0 ended first): nobody is left to mislead.
  }
}

void PeerWatch::on_lost(OnLost callback, std::chrono::milliseconds grace) {
  std::lock_guard<std::mutex> lock(mutex_);
  on_lost_ = std::move(callback);
  grace_ = grace;
}

std::string PeerWatch::verdict(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, wait, [&] { return !verdict_.empty() || stopping_; });
  if (!verdict_.empty()) taken_ = true;
  return verdict_;
}

std::string PeerWatch::check_peers(std::vector<int64_t>& last, std::vector<Clock::time_point>& seen) {
  try {
    counter_(beat_key(rank_), 1);
    for (int peer = 0; peer < size_; ++peer) {
      if (peer == rank_) continue;
      const int64_t beats = counter_(beat_key(peer), 0);
      const auto now = Clock::now();
      if (beats != last[size_t(peer)]) {
        last[size_t(peer)] = beats;
        seen[size_t(peer)] = now;
      } else if (now - seen[size_t(peer)] > timeout_) {
        if (counter_(bye_key(peer), 0) > 0) continue;  // it ended normally
        const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(now - seen[size_t(peer)]);
        return "rank " + std::to_string(peer) + " of " + std::to_string(size_) + " stopped answering (no heartbeat for " +
               std::to_string(double(silent.count()) / 1000.0).substr(0, 4) + " s): it died or hangs";
      }
    }
  } catch (const std::exception& e) {
    if (rank_ == 0) return "the rendezvous store failed: " + std::string(e.what());
    // The store lives in rank 0's process: unreachable means rank 0 is gone.
    return "rank 0 of " + std::to_string(size_) + " is gone (the rendezvous store it holds cannot be reached: " +
           std::string(e.what()).substr(0, 200) + ")";
  }
  return {};
}

void PeerWatch::run() {
  // A few beats per timeout, so that one late beat is not a verdict.
  const auto period = std::max(std::chrono::milliseconds(50), timeout_ / 6);
  std::vector<int64_t> last(size_t(size_), -1);
  std::vector<Clock::time_point> seen(size_t(size_), Clock::now());
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    std::string lost = check_peers(last, seen);
    lock.lock();
    if (!lost.empty() && !stopping_) {
      verdict_ = "rank " + std::to_string(rank_) + ": " + lost;
      changed_.notify_all();
      // The training thread usually meets the failure in a collective and reports it itself;
      // when it does not within the grace (a collective that hangs), the callback ends the run.
      changed_.wait_for(lock, grace_, [&] { return stopping_ || taken_; });
      if (!stopping_ && !taken_ && on_lost_) {
        auto callback = on_lost_;
        const auto message = verdict_;
        lock.unlock();
        callback(message);
        lock.lock();
      }
      return;
    }
    changed_.wait_for(lock, period, [&] { return stopping_; });
  }
}

}  // namespace moco
