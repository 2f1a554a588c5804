#include "launch_workers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <thread>

namespace moco {
namespace {

// How long the other ranks get to end on their own before they are killed: their collective with
// the dead rank fails at once on a closed socket, and naming the rank waits for its heartbeat to be
// missed (MOCO_DIST_PEER_TIMEOUT, dist/process_group.h), so the grace is that and a margin.
std::chrono::seconds grace() {
  const char* text = std::getenv("MOCO_DIST_PEER_TIMEOUT");
  const long peer = text && *text ? std::strtol(text, nullptr, 10) : 30;
  return std::chrono::seconds(std::max(1L, peer) + 10);
}

std::atomic<int> g_forward_signal{0};
extern "C" void on_launcher_signal(int sig) { g_forward_signal.store(sig); }

// A port the kernel says is free now (bound to port 0, then released for rank 0's TCPStore).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("--nproc: no free TCP port on 127.0.0.1 for the rendezvous");
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

int exit_code(int status) { return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status); }

}  // namespace

std::vector<std::string> without_nproc(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--nproc") {
      ++i;
      continue;
    }
    if (a.rfind("--nproc=", 0) == 0) continue;
    args.push_back(a);
  }
  return args;
}

int launch_workers(int nproc, const std::vector<std::string>& args) {
  const char* given_port = std::getenv("MASTER_PORT");
  const std::string port = given_port && *given_port ? given_port : std::to_string(free_port());
  std::signal(SIGINT, on_launcher_signal);
  std::signal(SIGTERM, on_launcher_signal);
  std::vector<pid_t> pids(size_t(nproc), -1);
  for (int rank = 0; rank < nproc; ++rank) {
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("--nproc: could not start rank " + std::to_string(rank));
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // a launcher that dies takes its ranks with it
      ::setenv("RANK", std::to_string(rank).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", port.c_str(), 1);
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv("/proc/self/exe", argv.data());
      std::perror("moco-train --nproc: exec");
      std::_Exit(127);
    }
    pids[size_t(rank)] = pid;
  }

  int result = 0, running = nproc;
  bool stopping = false;
  std::chrono::steady_clock::time_point kill_at{};
  const auto signal_all = [&](int sig) {
    for (pid_t p : pids)
      if (p > 0) ::kill(p, sig);
  };
  while (running > 0) {
    if (const int sig = g_forward_signal.exchange(0)) {
      signal_all(sig);  // each rank saves and stops at the same step (they agree on it)
      stopping = true;
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      if (kill_at != std::chrono::steady_clock::time_point{} && std::chrono::steady_clock::now() > kill_at) {
        std::cerr << "moco-train: the other ranks did not stop within " << grace().count() << " s; killing them" << std::endl;
        signal_all(SIGKILL);
        kill_at = {};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    const auto it = std::find(pids.begin(), pids.end(), pid);
    if (it == pids.end()) continue;
    const int rank = int(it - pids.begin());
    *it = -1;
    --running;
    const int code = exit_code(status);
    // A later rank that crashed too (not by our SIGKILL) is named as well.
    if (result != 0 && WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
      std::cerr << "moco-train: rank " << rank << " of " << nproc << " " << describe_status(status) << std::endl;
    if (code != 0 && result == 0) {
      result = code;
      if (!stopping || code != 130) {
        std::cerr << "moco-train: rank " << rank << " of " << nproc << " " << describe_status(status)
                  << (running > 0 ? "; stopping the other ranks" : "") << std::endl;
        if (running > 0) {
          signal_all(SIGTERM);
          kill_at = std::chrono::steady_clock::now() + grace();
        }
      }
    }
  }
  return result;
}

}  // namespace moco
