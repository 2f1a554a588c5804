// A tiny HTTP/1.1 server on 127.0.0.1 for the download tests (CI has no internet): serves the
// files of a folder, honours "Range: bytes=N-" with 206, can drop a response after some bytes to
// simulate an interrupted download (or stall to simulate a slow one), and counts what it was asked. Runs on its own thread.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace moco::test {

class LoopbackHttpServer {
 public:
  explicit LoopbackHttpServer(std::string folder);  // listens on an ephemeral port at once
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The next response closes the connection after `bytes` bytes of its body.
  void drop_next_after(long long bytes) { drop_after_ = bytes; }
  // The next response sends `bytes` bytes of its body, then nothing until the client hangs up (a
  // slow network, for testing Cancel).
  void stall_next_after(long long bytes) { stall_after_ = bytes; }
  int requests() const { return requests_; }
  int range_requests() const { return range_requests_; }

 private:
  void serve();
  void answer(int client);

  std::string folder_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<long long> drop_after_{-1}, stall_after_{-1};
  std::atomic<int> requests_{0}, range_requests_{0};
  std::thread thread_;
};

}  // namespace moco::test
