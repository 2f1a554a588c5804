// Fetches a URL into a file with libcurl, appending to what the file already holds (an HTTP Range
// request), so an interrupted download resumes where it stopped.
#pragma once

#include <cstdint>
#include <string>

#include "api/downloads.h"

namespace moco {

// Downloads `url` into `part_path`. `expected_bytes` is the total shown when the server does not
// say. Throws DownloadCancelled when `progress` returns false and std::runtime_error (naming the
// URL, the bytes held and that `part_path` is kept to resume) when the transfer fails; the file is
// kept in both cases. Throws without touching anything when the build has no libcurl.
void http_download(const std::string& url, const std::string& part_path, int64_t expected_bytes, const ByteProgress& progress);

}  // namespace moco
