// How moco-train's commands end on an error: the message on stderr (LibTorch's without its
// backtrace) and exit code 2; also when what went to stdout could not be written.
#pragma once

#include <torch/torch.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace moco {

template <typename Body>
int run_reporting_errors(Body&& body) {
  try {
    return body();
  } catch (const c10::Error& e) {
    std::cerr << "moco-train: " << e.what_without_backtrace() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "moco-train: " << e.what() << std::endl;
  }
  return 2;
}

// `code`, or 2 when standard output (a preset, kNN results, neighbours, --help) could not be
// written: a full disk or a closed pipe must not look like success to a script.
inline int with_stdout_checked(int code) {
  errno = 0;  // the first failing write's errno is the one worth naming
  std::cout.flush();
  const bool flushed = std::fflush(stdout) == 0;
  const int error = errno;
  if (flushed && std::cout && !std::ferror(stdout)) return code;
  // The cause is known only when this flush failed; an earlier failing write left just the error flag.
  std::cerr << "moco-train: cannot write to standard output" << (error ? std::string(": ") + std::strerror(error) : "")
            << "; what it holds is incomplete" << std::endl;
  return code == 0 ? 2 : code;
}

}  // namespace moco
