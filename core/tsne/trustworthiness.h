// Trustworthiness of an embedding (Venna & Kaski), computed exactly as sklearn.manifold.trustworthiness
// with the Euclidean metric:
//   T(k) = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in N_k(i)} max(0, r(i, j) - k),
// where N_k(i) are the k nearest neighbours of i in the embedding and r(i, j) is j's rank (1 = nearest)
// among i's neighbours in the original space. 1 means every embedded neighbour is a true neighbour.
#pragma once

#include <cstdint>

namespace moco {

// `high` is n x dim and `low` is n x low_dim, both row-major. Equal distances rank the lower index
// first. Uses `threads` threads (0 = all hardware threads); the result does not depend on it.
// Throws std::invalid_argument, as sklearn raises ValueError, unless 1 <= k < n / 2, and for
// null or non-finite inputs or dimensions below 1. Costs O(n^2 (dim + low_dim + k)).
double trustworthiness(const float* high, int64_t n, int64_t dim, const float* low, int64_t low_dim, int k,
                       int threads = 0);

}  // namespace moco
