// Extracts an archive into a folder, all or nothing: the entries go to a temporary folder beside
// the destination and are renamed into place only once every one was written.
#pragma once

#include <string>

namespace moco {

// Refuses (std::runtime_error naming the entry) absolute paths, ".." components and links, so an
// archive cannot write outside `destination`. On any error nothing new is left in `destination`.
void extract_archive(const std::string& archive, const std::string& destination);

}  // namespace moco
