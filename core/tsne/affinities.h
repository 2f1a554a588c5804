// Input similarities of t-SNE: Gaussian conditional probabilities over each point's nearest neighbours,
// each with its own bandwidth found by binary search to match the perplexity, then symmetrised.
// Mirrors sklearn's _binary_search_perplexity and _joint_probabilities_nn.
#pragma once

#include <cstdint>
#include <vector>

#include "tsne/knn_graph.h"
#include "tsne/parallel.h"

namespace moco::tsne {

// The symmetric joint probabilities P, sparse in CSR form (each row's columns ascending).
struct SparseAffinities {
  std::vector<int64_t> row_start;  // n + 1 offsets into column / value
  std::vector<int32_t> column;
  std::vector<float> value;  // all entries sum to 1
};

// n x k values p_{j|i} proportional to exp(-beta_i * d_ij^2) over point i's neighbours, beta_i chosen so
// the distribution's perplexity exp(entropy) equals `perplexity` (to sklearn's tolerance).
std::vector<float> conditional_probabilities(const NeighbourGraph& graph, double perplexity, WorkerPool& pool);

// P = (C + C^T) / sum(C + C^T) for the n x n sparse matrix C of conditional probabilities.
SparseAffinities joint_probabilities(const NeighbourGraph& graph, const std::vector<float>& conditional);

}  // namespace moco::tsne
