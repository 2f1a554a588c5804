// The benchmarks' one reading of this process's resident memory (VmRSS of /proc/self/status).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

namespace moco::bench {

// Resident bytes now; 0 where /proc is not there to say.
inline int64_t resident_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;  // "VmRSS:  123 kB"
  return 0;
}

inline double resident_mib() { return double(resident_bytes()) / (1024.0 * 1024.0); }

}  // namespace moco::bench
