// Starting layouts for a cold t-SNE run, as sklearn draws them: tiny (standard deviation 1e-4), so the
// first iterations are driven by the similarities rather than by the starting positions.
#pragma once

#include <cstdint>
#include <vector>

#include "tsne/parallel.h"

namespace moco::tsne {

// n x 2 row-major: the first two principal-component scores, the first scaled to standard deviation
// 1e-4 and the second by the same factor. Each axis is oriented so its largest-magnitude score is
// positive (sklearn's svd_flip). If the data has no spread the layout is random; if it spreads along
// one line only, the second axis is random, since a collinear start would stay collinear forever.
std::vector<float> pca_layout(const float* data, int64_t n, int64_t dim, uint64_t seed, WorkerPool& pool);

// n x 2 row-major coordinates drawn independently from N(0, 1e-4^2).
std::vector<float> random_layout(int64_t n, uint64_t seed);

}  // namespace moco::tsne
