// How moco-train's commands end on an error: the message on stderr (LibTorch's without its
// backtrace) and exit code 2.
#pragma once

#include <torch/torch.h>

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

}  // namespace moco
