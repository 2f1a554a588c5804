#include "dist/process_group.h"

#include "dist/peer_watch.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
// Gloo's own headers come from libgloo-dev (Debian) or the LibTorch folder; a LibTorch without them
// still builds, and a gloo world then fails with a message saying so.
#if defined(USE_C10D_GLOO) && __has_include(<gloo/algorithm.h>)
#define MOCO_HAVE_GLOO 1
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/version.h>

#include <cstdlib>
#include <stdexcept>

namespace moco {
namespace {

// LibTorch 2 split ProcessGroup into a front and per-device Backends; ProcessGroupGloo/NCCL are
// Backends there and ProcessGroups in 1.13. Both offer the collectives we call.
#if TORCH_VERSION_MAJOR >= 2
using PgBase = c10d::Backend;
#else
using PgBase = c10d::ProcessGroup;
#endif

int env_int(const char* name, int fallback, int min) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < min || value > 1 << 30)
    throw std::invalid_argument(std::string("environment variable ") + name + "='" + text + "' is not an integer >= " +
                                std::to_string(min));
  return int(value);
}

}  // namespace

std::optional<WorldOptions> world_from_env() {
  if (!std::getenv("WORLD_SIZE")) return std::nullopt;
  WorldOptions o;
  o.size = env_int("WORLD_SIZE", 1, 1);
  o.rank = env_int("RANK", 0, 0);
  if (o.rank >= o.size)
    throw std::invalid_argument("RANK=" + std::to_string(o.rank) + " is not below WORLD_SIZE=" + std::to_string(o.size));
  o.local_rank = env_int("LOCAL_RANK", o.rank, 0);
  o.local_size = env_int("LOCAL_WORLD_SIZE", o.size, 1);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr && *addr) o.master_addr = addr;
  o.master_port = env_int("MASTER_PORT", o.master_port, 1);
  if (o.master_port > 65535) throw std::invalid_argument("MASTER_PORT=" + std::to_string(o.master_port) + " is not a port");
  o.timeout = std::chrono::seconds(env_int("MOCO_DIST_TIMEOUT", int(o.timeout.count() / 1000), 1));
  o.peer_timeout = std::chrono::seconds(env_int("MOCO_DIST_PEER_TIMEOUT", int(o.peer_timeout.count() / 1000), 1));
  if (const char* b = std::getenv("MOCO_DIST_BACKEND"); b && *b) {
    const std::string s = b;
    if (s == "gloo") o.backend = DistBackend::Gloo;
    else if (s == "nccl") o.backend = DistBackend::Nccl;
    else if (s == "auto") o.backend = DistBackend::Auto;
    else throw std::invalid_argument("MOCO_DIST_BACKEND='" + s + "' is not gloo, nccl or auto");
  }
  return o;
}

struct World::Impl {
  std::unique_ptr<PeerWatch> watch;  // first: destroyed last, after the process group has closed
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<PgBase> group;
  std::string backend;
};

struct World::Pending::Impl {
  c10::intrusive_ptr<c10d::Work> work;
  std::string what;  // for the error: rank and operation
  const World* world = nullptr;
};

World::Pending::Pending() = default;
World::Pending::~Pending() = default;
World::Pending::Pending(Pending&&) noexcept = default;
World::Pending& World::Pending::operator=(Pending&&) noexcept = default;

void World::Pending::wait() {
  if (!impl_ || !impl_->work) return;
  try {
    impl_->work->wait();
  } catch (const std::exception& e) {
    impl_->work.reset();
    impl_->world->fail(impl_->what, e);
  }
  impl_->work.reset();
}

World::World() = default;

World::World(const WorldOptions& options, torch::Device device) : options_(options) {
  if (options_.size <= 1) return;
  impl_ = std::make_unique<Impl>();
  const std::string where = "rank " + std::to_string(options_.rank) + " of " + std::to_string(options_.size);
  try {
    c10d::TCPStoreOptions store;
    store.port = uint16_t(options_.master_port);
    store.isServer = options_.rank == 0;
    store.numWorkers = size_t(options_.size);
    store.waitWorkers = true;
    store.timeout = options_.timeout;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(options_.master_addr, store);
    impl_->store = c10::make_intrusive<c10d::PrefixStore>("moco", tcp);
  } catch (const std::exception& e) {
    throw std::runtime_error(where + ": rendezvous at " + options_.master_addr + ":" + std::to_string(options_.master_port) +
                             " failed (timeout " + std::to_string(options_.timeout.count() / 1000) + " s): " + e.what());
  }
  const bool nccl = options_.backend == DistBackend::Nccl || (options_.backend == DistBackend::Auto && device.is_cuda());
  if (nccl) {
#ifdef USE_C10D_NCCL
    auto o = c10d::ProcessGroupNCCL::Options::create();
    o->timeout = options_.timeout;
    impl_->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl_->store, options_.rank, options_.size, o);
    impl_->backend = "nccl";
#else
    throw std::runtime_error(where + ": backend nccl asked for, but this LibTorch was built without NCCL (use gloo)");
#endif
  } else {
#ifndef MOCO_HAVE_GLOO
    throw std::runtime_error(where + ": backend gloo asked for, but this build has no Gloo headers (install libgloo-dev)");
#else
    auto o = c10d::ProcessGroupGloo::Options::create(options_.timeout);
    // The loopback address for a world on one machine; else the address this host resolves to.
    o->devices.push_back(options_.master_addr == "127.0.0.1" || options_.master_addr == "localhost"
                             ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                             : c10d::ProcessGroupGloo::createDefaultDevice());
    o->threads = 1;  // one collective at a time per bucket; the cores belong to the encoders
    try {
      impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, options_.rank, options_.size, o);
    } catch (const std::exception& e) {
      throw std::runtime_error(where + ": gloo could not connect to the other ranks: " + e.what());
    }
    impl_->backend = "gloo";
#endif
  }
  auto store = impl_->store;
  impl_->watch = std::make_unique<PeerWatch>([store](const std::string& key, int64_t delta) { return store->add(key, delta); },
                                             options_.rank, options_.size, options_.peer_timeout);
}

void World::on_peer_lost(std::function<void(const std::string&)> callback) {
  // The grace leaves a collective that fails on the dead peer's closed socket the time to report it.
  if (impl_) impl_->watch->on_lost(std::move(callback), std::chrono::seconds(3));
}

void World::fail(const std::string& what, const std::exception& e) const {
  // A peer that died usually shows as a closed socket before its heartbeat is missed: wait for the
  // verdict (at most the heartbeat timeout and a little), so the error says which rank it was.
  // A collective that timed out met a peer alive but stuck: its heartbeat will not stop, so only the
  // verdict already known is taken.
  const std::string text = e.what();
  const bool timed_out = text.find("Timed out") != std::string::npos || text.find("timed out") != std::string::npos;
  const auto wait = timed_out ? std::chrono::milliseconds(0) : options_.peer_timeout + std::chrono::seconds(1);
  const std::string lost = impl_ ? impl_->watch->verdict(wait) : "";
  throw std::runtime_error(what + " failed" + (lost.empty() ? "" : ": " + lost) + " (" + e.what() + ")");
}

World::~World() = default;

std::string World::backend_name() const { return impl_ ? impl_->backend : "none"; }

World::Pending World::allreduce_sum_async(torch::Tensor& tensor) {
  Pending p;
  if (!impl_) return p;
  p.impl_ = std::make_unique<Pending::Impl>();
  p.impl_->what = "rank " + std::to_string(rank()) + ": allreduce of " + std::to_string(tensor.numel()) + " values";
  p.impl_->world = this;
  std::vector<torch::Tensor> tensors{tensor};
  try {
    p.impl_->work = impl_->group->allreduce(tensors);
  } catch (const std::exception& e) {
    fail(p.impl_->what, e);
  }
  return p;
}

void World::allreduce_sum(torch::Tensor& tensor) { allreduce_sum_async(tensor).wait(); }

void World::allreduce_max(torch::Tensor& tensor) {
  if (!impl_) return;
  std::vector<torch::Tensor> tensors{tensor};
  c10d::AllreduceOptions o;
  o.reduceOp = c10d::ReduceOp::MAX;
  try {
    impl_->group->allreduce(tensors, o)->wait();
  } catch (const std::exception& e) {
    fail("rank " + std::to_string(rank()) + ": allreduce (max)", e);
  }
}

torch::Tensor World::allgather(const torch::Tensor& tensor) {
  if (!impl_) return tensor;
  std::vector<torch::Tensor> input{tensor.contiguous()};
  std::vector<std::vector<torch::Tensor>> output(1);
  for (int r = 0; r < size(); ++r) output[0].push_back(torch::empty_like(input[0]));
  try {
    impl_->group->allgather(output, input)->wait();
  } catch (const std::exception& e) {
    fail("rank " + std::to_string(rank()) + ": allgather of " + std::to_string(tensor.numel()) + " values", e);
  }
  return torch::cat(output[0]);
}

void World::broadcast(torch::Tensor& tensor, int root) {
  if (!impl_) return;
  std::vector<torch::Tensor> tensors{tensor};
  c10d::BroadcastOptions o;
  o.rootRank = root;
  try {
    impl_->group->broadcast(tensors, o)->wait();
  } catch (const std::exception& e) {
    fail("rank " + std::to_string(rank()) + ": broadcast from rank " + std::to_string(root), e);
  }
}

void World::barrier() {
  if (!impl_) return;
  try {
    impl_->group->barrier()->wait();
  } catch (const std::exception& e) {
    fail("rank " + std::to_string(rank()) + ": barrier", e);
  }
}

}  // namespace moco
