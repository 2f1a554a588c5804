// Several ranks of one data-parallel world inside one test process: one thread per rank, each with
// its own World (TCPStore + ProcessGroupGloo on 127.0.0.1, at a port free at the time).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "dist/process_group.h"

namespace moco::test {

inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

// Runs body(world) on `size` ranks; returns each rank's error message ("" when it succeeded).
inline std::vector<std::string> run_ranks(int size, const std::function<void(World&)>& body,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const int port = free_port();
  std::vector<std::string> errors(static_cast<size_t>(size));
  std::vector<std::thread> threads;
  for (int rank = 0; rank < size; ++rank)
    threads.emplace_back([&, rank] {
      try {
        WorldOptions o;
        o.rank = rank;
        o.size = size;
        o.local_rank = rank;
        o.local_size = size;
        o.master_port = port;
        o.backend = DistBackend::Gloo;
        o.timeout = timeout;
        o.peer_timeout = std::chrono::seconds(2);
        World world(o, torch::kCPU);
        body(world);
      } catch (const std::exception& e) {
        errors[size_t(rank)] = std::string(e.what()) + " ";
      }
    });
  for (auto& t : threads) t.join();
  return errors;
}

}  // namespace moco::test
