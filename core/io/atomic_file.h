// Writing files so that a failure (full disk, crash) never leaves a half-written file in place:
// write "<path>.tmp.<pid>.<n>", then rename over the target.
#pragma once

#include <functional>
#include <string>

namespace moco {

// Calls write(temp_path), then renames it to `path`. On any failure removes the temporary file and
// throws std::runtime_error naming `path` and the cause; an existing `path` is left untouched.
void write_atomically(const std::string& path, const std::function<void(const std::string& temp_path)>& write);
// Writes `bytes` to `path` atomically.
void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace moco
