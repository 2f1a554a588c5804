// main() of a fuzz target outside libFuzzer:
//   replay_<target> --seeds DIR       writes the target's seed corpus into DIR
//   replay_<target> --self-test [P…]  writes the seeds into a scratch folder and replays them, then P…
//   replay_<target> P…                replays files, or every file under folders, through the target
// A finding aborts (see fuzz_target.h); a missing input is an error, so a test never passes on nothing.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.h"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs_under(const fs::path& p) {
  std::vector<fs::path> files;
  if (fs::is_directory(p)) {
    for (const auto& entry : fs::recursive_directory_iterator(p))
      if (entry.is_regular_file() && entry.path().filename() != "README.md") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
  } else if (fs::is_regular_file(p)) {
    files.push_back(p);
  } else {
    std::fprintf(stderr, "replay: '%s' does not exist\n", p.c_str());
    std::exit(2);
  }
  return files;
}

int replay(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::printf("replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
  std::fflush(stdout);
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "--seeds") {
    fs::create_directories(args[1]);
    moco::fuzz::write_seeds(args[1]);
    return 0;
  }
  std::vector<fs::path> files;
  if (!args.empty() && args[0] == "--self-test") {
    const fs::path seeds = fs::path(moco::fuzz::scratch_dir()) / "seeds";
    fs::create_directories(seeds);
    moco::fuzz::write_seeds(seeds.string());
    files = inputs_under(seeds);
    if (files.empty()) {
      std::fprintf(stderr, "replay: the target wrote no seeds\n");
      return 2;
    }
    args.erase(args.begin());
  }
  if (args.empty() && files.empty()) {
    std::fprintf(stderr, "usage: %s --seeds DIR | --self-test [INPUT...] | INPUT...\n", argv[0]);
    return 2;
  }
  for (const auto& a : args) {
    const auto more = inputs_under(a);
    files.insert(files.end(), more.begin(), more.end());
  }
  for (const auto& f : files) replay(f);
  std::printf("replay: %zu inputs, no finding\n", files.size());
  return 0;
}
