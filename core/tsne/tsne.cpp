#include "tsne/tsne.h"

#include <algorithm>

#include "tsne/affinities.h"
#include "tsne/gradient.h"
#include "tsne/gradient_descent.h"
#include "tsne/initial_layout.h"
#include "tsne/knn_graph.h"
#include "tsne/parallel.h"
#include "tsne/tsne_checks.h"

namespace moco {
namespace {

constexpr float kEarlyMomentum = 0.5f;  // sklearn's momentum while the clusters form (exaggerated phase)
constexpr float kFinalMomentum = 0.8f;  // and afterwards
constexpr double kMinAutoLearningRate = 50.0;  // sklearn's floor for learning_rate='auto'

bool stop_requested(const TsneCallbacks& callbacks) { return callbacks.stop && callbacks.stop->load(); }

// sklearn 1.2's learning_rate='auto': max(n / early_exaggeration / 4, 50).
float learning_rate_for(const TsneOptions& options, int64_t n) {
  if (options.learning_rate > 0.0) return float(options.learning_rate);
  return float(std::max(double(n) / options.exaggeration / 4.0, kMinAutoLearningRate));
}

// Gradient descent from `layout` in sklearn's two phases, with snapshots and cancellation.
// Each snapshot reports a layout together with the KL divergence evaluated at that same layout,
// which the gradient pass of the next step provides at no extra cost.
void optimise(const tsne::SparseAffinities& p, std::vector<float> layout, const TsneOptions& options, bool warm_start,
              tsne::WorkerPool& pool, const TsneCallbacks& callbacks, TsneResult& result) {
  const int64_t n = int64_t(layout.size() / 2);
  const int exaggerated_iterations = warm_start ? 0 : options.exaggeration_iterations;
  const float learning_rate = learning_rate_for(options, n);
  tsne::BarnesHutGradient gradient(p, float(options.theta), pool);
  tsne::GainsMomentumDescent descent(layout.size());
  std::vector<float> step_gradient;
  int done = 0;
  for (; done < options.iterations; ++done) {
    if (stop_requested(callbacks)) {
      result.cancelled = true;
      break;
    }
    const bool exaggerating = done < exaggerated_iterations;
    if (done == exaggerated_iterations) descent.reset();  // sklearn restarts velocity and gains per phase
    const double z = gradient.compute(layout, exaggerating ? float(options.exaggeration) : 1.0f, step_gradient);
    const bool snapshot_due = done > 0 && options.snapshot_every > 0 && done % options.snapshot_every == 0;
    if (snapshot_due && callbacks.on_snapshot &&
        !callbacks.on_snapshot(done, gradient.kl_divergence(layout, z), layout)) {
      result.cancelled = true;
      break;
    }
    descent.step(layout, step_gradient, exaggerating ? kEarlyMomentum : kFinalMomentum, learning_rate);
  }
  result.iterations = done;
  result.kl_divergence = gradient.kl_divergence(layout, gradient.compute(layout, 1.0f, step_gradient));
  if (!result.cancelled && callbacks.on_snapshot) callbacks.on_snapshot(done, result.kl_divergence, layout);
  result.layout = std::move(layout);
}

}  // namespace

TsneResult run_tsne(const float* data, int64_t n, int64_t dim, const TsneOptions& options,
                    const std::vector<float>* initial_layout, const TsneCallbacks& callbacks) {
  tsne::check_tsne_input(data, n, dim, options, initial_layout);
  tsne::WorkerPool pool(tsne::resolve_threads(options.threads));
  TsneResult result;
  result.neighbours = tsne::neighbour_count(n, options.perplexity);
  const tsne::NeighbourGraph graph = tsne::exact_knn(data, n, dim, result.neighbours, pool, callbacks.stop);
  if (graph.n == 0 || stop_requested(callbacks)) {
    result.cancelled = true;
    return result;
  }
  const tsne::SparseAffinities p =
      tsne::joint_probabilities(graph, tsne::conditional_probabilities(graph, options.perplexity, pool));

  std::vector<float> layout;
  if (initial_layout)
    layout = *initial_layout;
  else if (options.init == TsneInit::Pca)
    layout = tsne::pca_layout(data, n, dim, options.seed, pool);
  else
    layout = tsne::random_layout(n, options.seed);
  optimise(p, std::move(layout), options, initial_layout != nullptr, pool, callbacks, result);
  return result;
}

}  // namespace moco
