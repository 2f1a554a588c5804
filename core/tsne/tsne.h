// Barnes-Hut t-SNE to two dimensions, following scikit-learn 1.2's TSNE(method="barnes_hut") step by
// step (kNN affinities, early exaggeration, momentum and gains, PCA start, the 'auto' learning rate),
// with threads, a warm start from an earlier layout, progress snapshots and cancellation.
// Pure standard C++: no Torch, Qt or OpenCV, so any front end can link it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace moco {

// How a run without an initial layout places its points before optimising.
enum class TsneInit {
  Pca,     // the first two principal components, scaled so the first has standard deviation 1e-4 (sklearn)
  Random,  // independent N(0, 1e-4^2) coordinates drawn from `seed` (sklearn's init="random")
};

struct TsneOptions {
  // Effective number of neighbours of each point; 0 < perplexity < n. The input similarities use the
  // min(n - 1, floor(3 * perplexity + 1)) nearest neighbours, clamped for small n as sklearn does.
  double perplexity = 30.0;
  // Barnes-Hut opening angle: a quadtree cell whose width is below theta times its distance is treated
  // as one body. 0 computes every pair exactly (slow); larger is faster and coarser.
  double theta = 0.5;
  // Gradient-descent iterations in total, the exaggeration phase included (sklearn's n_iter).
  int iterations = 1000;
  // Step size; 0 means sklearn's 'auto': max(n / exaggeration / 4, 50).
  double learning_rate = 0.0;
  // Factor on the input similarities during the first phase, which lets clusters form and separate.
  double exaggeration = 12.0;
  // Length of that first phase (momentum 0.5); the rest runs unexaggerated with momentum 0.8.
  // A warm start skips this phase entirely (see run_tsne).
  int exaggeration_iterations = 250;
  // Starting layout when run_tsne gets no initial layout.
  TsneInit init = TsneInit::Pca;
  // Seeds the random initial layout and the start vector of the PCA power iteration.
  uint64_t seed = 0;
  // Worker threads; 0 uses every hardware thread. Results do not depend on it. When other work keeps
  // every core busy (e.g. training on the CPU), fewer threads can finish sooner.
  int threads = 0;
  // Iterations between progress snapshots; 0 reports only the final layout.
  int snapshot_every = 50;
};

struct TsneCallbacks {
  // Called after every `snapshot_every`-th iteration, and once more when the run completes, on the
  // thread running run_tsne, with the number of iterations done, KL(P || Q) of the layout (always with
  // the unexaggerated P) and the n x 2 row-major layout. Returning false cancels the run (the value
  // returned by the final call is ignored).
  std::function<bool(int iteration, double kl_divergence, const std::vector<float>& layout)> on_snapshot;
  // Optional stop flag, polled between iterations and during the neighbour search, for cancelling
  // sooner than the next snapshot (e.g. a GUI's Stop button). It is only read.
  const std::atomic<bool>* stop = nullptr;
};

struct TsneResult {
  std::vector<float> layout;   // n x 2, row-major; if cancelled, the layout so far (empty before the optimisation)
  int iterations = 0;          // iterations run (fewer than requested when cancelled)
  double kl_divergence = 0.0;  // KL(P || Q) of `layout`; 0 when cancelled before the optimisation
  int neighbours = 0;          // nearest neighbours per point behind the input similarities
  bool cancelled = false;
};

// Embeds `n` points of `dim` float features (row-major) into two dimensions.
//
// `initial_layout`, when given, is an n x 2 row-major layout to continue from, point i staying point i
// (e.g. the previous epoch's map). Such a warm start uses it as is, with no PCA start and no early
// exaggeration: the layout already has its clusters, and exaggerating again would make it contract and
// re-expand, a visible jump, instead of evolving smoothly. The run goes straight to the momentum-0.8
// phase; a few hundred iterations are usually enough.
//
// Deterministic: the same input, options and seed give the same layout whatever the thread count.
// Throws std::invalid_argument, naming every problem found, for: n < 2, dim < 1, a null `data`,
// NaN or infinite features or initial coordinates, an initial layout whose size is not n * 2,
// perplexity outside (0, n), and out-of-range options.
TsneResult run_tsne(const float* data, int64_t n, int64_t dim, const TsneOptions& options = {},
                    const std::vector<float>* initial_layout = nullptr, const TsneCallbacks& callbacks = {});

}  // namespace moco
