// sklearn's _gradient_descent update for t-SNE: momentum plus a per-coordinate gain that grows while
// the gradient keeps its sign and shrinks when it flips (Jacobs' delta-bar-delta).
#pragma once

#include <cstddef>
#include <vector>

namespace moco::tsne {

class GainsMomentumDescent {
 public:
  explicit GainsMomentumDescent(size_t size);

  // Back to zero velocity and unit gains; sklearn starts each phase of the optimisation this way.
  void reset();

  // One step: scales `gradient` by the updated gains (it is modified) and moves `params` by
  // momentum * previous update - learning_rate * scaled gradient.
  void step(std::vector<float>& params, std::vector<float>& gradient, float momentum, float learning_rate);

 private:
  std::vector<float> update_;
  std::vector<float> gains_;
};

}  // namespace moco::tsne
