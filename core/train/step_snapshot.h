// Everything one training step changes — both encoders' parameters and BN statistics, the SGD
// momentum buffers, the queue (keys, ages, sample ids, pointer) and the memory bank — copied aside
// before the step, so a step whose loss turns out not finite *after* it was applied (deferred
// metrics read a step late) can be undone exactly. The copy is a few concatenations into buffers
// allocated once, on the device: no host synchronisation.
#pragma once

#include <torch/torch.h>

#include <utility>
#include <vector>

#include "model/memory_bank.h"
#include "model/moco_model.h"

namespace moco {

class StepSnapshot {
 public:
  // `also`: further state the step changes (the fp16 loss scale).
  void capture(MocoModel& model, torch::optim::SGD& optimizer, const MemoryBank* bank,
               const std::vector<torch::Tensor>& also = {});
  // Puts back what capture() saw; momentum buffers the step created are dropped again.
  void restore(MocoModel& model, torch::optim::SGD& optimizer) const;

 private:
  using StateMap = std::decay_t<decltype(std::declval<torch::optim::SGD&>().state())>;

  // Tensors of one device and dtype, flattened into one buffer.
  struct Group {
    torch::Device device;
    torch::ScalarType dtype;
    std::vector<torch::Tensor> tensors;
    torch::Tensor saved;
  };
  void add(const torch::Tensor& t);

  std::vector<Group> groups_;
  std::vector<StateMap::key_type> state_keys_;  // optimizer entries that existed at capture
  int64_t queue_pointer_ = 0;
};

}  // namespace moco
