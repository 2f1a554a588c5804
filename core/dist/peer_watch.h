// Heartbeats between the ranks of a data-parallel run, so that a rank that died is named and its
// peers stop instead of waiting on it. Each rank bumps its counter in the rendezvous store a few
// times per timeout on a thread of its own (a busy training thread does not stop it) and reads the
// others'; a counter that stays still for `timeout`, or a store that can no longer be reached (it
// lives in rank 0's process), is a verdict naming the rank. A rank that ends normally says goodbye
// first, so that a slower peer does not mistake it for a dead one, and rank 0 waits for the others'
// goodbyes before its store closes. No c10d here: the store is
// reached through a counter function (Store::add), which tests can replace.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace moco {

class PeerWatch {
 public:
  // add(key, delta): the store's counter after adding delta (delta 0 reads it). Throws when the
  // store cannot be reached.
  using Counter = std::function<int64_t(const std::string& key, int64_t delta)>;
  // Called once on the watch thread with the verdict, `grace` after it, unless the verdict was
  // taken by verdict() meanwhile (the training thread then reports it itself).
  using OnLost = std::function<void(const std::string& message)>;

  PeerWatch(Counter counter, int rank, int size, std::chrono::milliseconds timeout);
  ~PeerWatch();  // says goodbye and stops the thread
  PeerWatch(const PeerWatch&) = delete;
  PeerWatch& operator=(const PeerWatch&) = delete;

  void on_lost(OnLost callback, std::chrono::milliseconds grace);
  // After a collective failed: the verdict naming the lost rank, waiting up to `wait` for one;
  // empty when every peer still answers.
  std::string verdict(std::chrono::milliseconds wait);
  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  void run();
  std::string check_peers(std::vector<int64_t>& last, std::vector<std::chrono::steady_clock::time_point>& seen);

  Counter counter_;
  const int rank_, size_;
  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  bool taken_ = false;  // verdict() handed the message to the training thread
  std::string verdict_;
  OnLost on_lost_;
  std::chrono::milliseconds grace_{0};
  std::thread thread_;
};

}  // namespace moco
