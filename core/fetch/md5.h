// MD5 of a file as lower-case hex (OpenSSL's EVP), for the releases' published checksums.
#pragma once

#include <string>

namespace moco {

// Throws std::runtime_error naming the file when it cannot be read, or when the build has no OpenSSL.
std::string file_md5(const std::string& path);

}  // namespace moco
