// The processes of a data-parallel run and the collectives between them, over LibTorch's c10d
// (TCPStore rendezvous; Gloo on CPUs, NCCL on GPUs). This file pair is the only user of c10d: its
// API differs between LibTorch 1.13 and 2.x, and the differences are handled in the .cpp alone.
// A world of one process is a plain object whose collectives return at once (the single-process
// path pays nothing).
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moco {

enum class DistBackend { Auto, Gloo, Nccl };  // Auto: NCCL for CUDA tensors, else Gloo

struct WorldOptions {
  int rank = 0;
  int size = 1;
  int local_rank = 0;        // rank among the processes of this machine (its GPU index)
  int local_size = 1;        // processes on this machine (they split its CPU cores)
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;   // torchrun's default
  DistBackend backend = DistBackend::Auto;
  // A collective that waits longer than this (a peer died or hangs) fails with an error naming
  // this rank and the operation, instead of hanging.
  std::chrono::milliseconds timeout{600000};
  // A rank whose heartbeat (dist/peer_watch.h) stays still this long is declared dead: a collective
  // that failed names it, and on_peer_lost's callback runs when no collective notices.
  std::chrono::milliseconds peer_timeout{30000};
};

// The torchrun variables RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT,
// and ours MOCO_DIST_BACKEND (gloo, nccl, auto), MOCO_DIST_TIMEOUT and MOCO_DIST_PEER_TIMEOUT (seconds). nullopt when
// WORLD_SIZE is unset; std::invalid_argument naming the variable when one is malformed.
std::optional<WorldOptions> world_from_env();

class World {
 public:
  // One process: rank 0 of 1, no communication.
  World();
  // Joins the world (blocks until every rank has joined, or throws after the timeout). `device`
  // decides the backend when options.backend is Auto.
  World(const WorldOptions& options, torch::Device device);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  int rank() const { return options_.rank; }
  int size() const { return options_.size; }
  int local_rank() const { return options_.local_rank; }
  int local_size() const { return options_.local_size; }
  bool distributed() const { return options_.size > 1; }
  const WorldOptions& options() const { return options_; }
  std::string backend_name() const;

  // In place, summed over the ranks.
  void allreduce_sum(torch::Tensor& tensor);
  // In place, the maximum over the ranks.
  void allreduce_max(torch::Tensor& tensor);
  // Every rank's tensor (same shape on each), concatenated along dim 0 in rank order.
  torch::Tensor allgather(const torch::Tensor& tensor);
  // In place, rank `root`'s values on every rank.
  void broadcast(torch::Tensor& tensor, int root = 0);
  // Returns when every rank has called it.
  void barrier();

  // What to do when a peer is declared dead and this rank's training thread did not run into it in
  // a collective within a grace (it hangs in one): typically print the message and exit.
  void on_peer_lost(std::function<void(const std::string& message)> callback);

  // An allreduce (sum) in flight, so that several can overlap; wait() rethrows its failure.
  class Pending {
   public:
    Pending();
    ~Pending();
    Pending(Pending&&) noexcept;
    Pending& operator=(Pending&&) noexcept;
    void wait();

   private:
    friend class World;
    struct Impl;
    std::unique_ptr<Impl> impl_;
  };
  Pending allreduce_sum_async(torch::Tensor& tensor);

 private:
  struct Impl;
  // A collective failed: the error names the rank that is gone when the heartbeats know it.
  [[noreturn]] void fail(const std::string& what, const std::exception& e) const;
  WorldOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moco
