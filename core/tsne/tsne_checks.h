// Argument checks for run_tsne, and the neighbour count derived from the perplexity.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tsne/tsne.h"

namespace moco::tsne {

// Every problem with run_tsne's arguments, one message each naming the argument or option and its
// value; empty when all is well.
std::vector<std::string> tsne_input_problems(const float* data, int64_t n, int64_t dim, const TsneOptions& options,
                                             const std::vector<float>* initial_layout);

// Throws std::invalid_argument listing all of tsne_input_problems() when there is any.
void check_tsne_input(const float* data, int64_t n, int64_t dim, const TsneOptions& options,
                      const std::vector<float>* initial_layout);

// sklearn's neighbour count for the input similarities: min(n - 1, floor(3 * perplexity + 1)).
int neighbour_count(int64_t n, double perplexity);

}  // namespace moco::tsne
