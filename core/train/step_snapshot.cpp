#include "train/step_snapshot.h"

#include <algorithm>

namespace moco {
namespace {

std::vector<torch::Tensor> momentum_buffers(torch::optim::SGD& optimizer) {
  std::vector<torch::Tensor> out;
  for (auto& entry : optimizer.state())
    out.push_back(static_cast<torch::optim::SGDParamState&>(*entry.second).momentum_buffer());
  return out;
}

}  // namespace

void StepSnapshot::add(const torch::Tensor& t) {
  for (auto& g : groups_)
    if (g.device == t.device() && g.dtype == t.scalar_type()) {
      g.tensors.push_back(t);
      return;
    }
  groups_.push_back({t.device(), t.scalar_type(), {t}, {}});
}

void StepSnapshot::capture(MocoModel& model, torch::optim::SGD& optimizer, const MemoryBank* bank,
                           const std::vector<torch::Tensor>& also) {
  torch::NoGradGuard no_grad;
  for (auto& g : groups_) g.tensors.clear();  // the buffers stay allocated
  for (auto* encoder : {&model.query, &model.key}) {
    for (const auto& p : (*encoder)->parameters()) add(p.detach());
    for (const auto& b : (*encoder)->buffers()) add(b);
  }
  state_keys_.clear();
  for (const auto& entry : optimizer.state()) state_keys_.push_back(entry.first);
  for (const auto& buffer : momentum_buffers(optimizer)) add(buffer);
  const auto& q = model.queue;
  for (const auto& t : {q.keys(), q.written_at(), q.sample_ids(), q.batch_rows()}) add(t);
  queue_pointer_ = q.pointer();
  if (bank) {
    add(bank->features());
    add(bank->written_at());
  }
  for (const auto& t : also) add(t);
  for (auto& g : groups_) {
    std::vector<torch::Tensor> flat;
    for (const auto& t : g.tensors) flat.push_back(t.reshape({-1}));
    if (!g.saved.defined()) g.saved = torch::empty({0}, flat.front().options());
    torch::cat_out(g.saved, flat);
  }
}

void StepSnapshot::restore(MocoModel& model, torch::optim::SGD& optimizer) const {
  torch::NoGradGuard no_grad;
  // Momentum buffers a failed first step created did not exist before it.
  auto& state = optimizer.state();
  std::vector<StateMap::key_type> created;
  for (const auto& entry : state)
    if (std::find(state_keys_.begin(), state_keys_.end(), entry.first) == state_keys_.end()) created.push_back(entry.first);
  for (const auto& key : created) state.erase(key);
  // Every tensor captured is still the object the model, optimizer, queue and bank hold: copy back.
  for (const auto& g : groups_) {
    int64_t offset = 0;
    for (const auto& t : g.tensors) {
      const int64_t n = t.numel();
      t.copy_(g.saved.narrow(0, offset, n).view(t.sizes()));
      offset += n;
    }
  }
  // The queue's and the bank's tensors were copied back above; the queue's pointer is a number.
  const auto& q = model.queue;
  model.queue.restore(q.keys(), q.written_at(), q.sample_ids(), q.batch_rows(), queue_pointer_);
}

}  // namespace moco
