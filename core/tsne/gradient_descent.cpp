#include "tsne/gradient_descent.h"

#include <algorithm>

namespace moco::tsne {
namespace {

constexpr float kGainIncrease = 0.2f;  // added while the gradient keeps pointing the same way
constexpr float kGainDecay = 0.8f;     // factor applied when it flips
constexpr float kMinGain = 0.01f;      // sklearn's min_gain: no coordinate ever stops moving entirely

}  // namespace

GainsMomentumDescent::GainsMomentumDescent(size_t size) : update_(size, 0.0f), gains_(size, 1.0f) {}

void GainsMomentumDescent::reset() {
  std::fill(update_.begin(), update_.end(), 0.0f);
  std::fill(gains_.begin(), gains_.end(), 1.0f);
}

void GainsMomentumDescent::step(std::vector<float>& params, std::vector<float>& gradient, float momentum,
                                float learning_rate) {
  for (size_t e = 0; e < params.size(); ++e) {
    // The update moves against the gradient, so opposite signs mean the gradient has not flipped.
    const bool same_direction = update_[e] * gradient[e] < 0.0f;
    gains_[e] = std::max(kMinGain, same_direction ? gains_[e] + kGainIncrease : gains_[e] * kGainDecay);
    gradient[e] *= gains_[e];
    update_[e] = momentum * update_[e] - learning_rate * gradient[e];
    params[e] += update_[e];
  }
}

}  // namespace moco::tsne
