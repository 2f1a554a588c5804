// Writes a .tar.gz with libarchive's writer, so the tests build archives without a tar program.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace moco::test {

// `files`: (path inside the archive, bytes), stored as given (also unsafe paths, to test refusals).
void write_tar_gz(const std::string& archive, const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace moco::test
