// What every fuzz target of tests/fuzz provides, and the checks they share. A target is one reader
// of untrusted bytes: LLVMFuzzerTestOneInput hands it the bytes (as a file where the reader takes a
// path), and it must either succeed or throw an exception whose message names the file at fault.
// Anything else — a crash, a sanitizer report, an exception of another kind or an anonymous message —
// is a finding. The same target links with libFuzzer (scripts/fuzz.sh) or with replay_main.cpp,
// which writes its seed corpus and replays inputs (CTest: the seeds and every past finding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace moco::fuzz {

// Writes the target's seed corpus into `dir` (created): valid inputs and a few near misses, built the
// way the tests build them.
void write_seeds(const std::string& dir);

// A folder of this process's own (under $TMPDIR, removed at exit) for the files a target writes.
const std::string& scratch_dir();
// Writes `size` bytes to `path` (throws naming it when it cannot).
void write_file(const std::string& path, const void* data, size_t size);
void write_file(const std::string& path, const std::string& bytes);

// A reader's refusal is acceptable only when its message is not empty and names `path`; otherwise
// the input is reported and the process aborts (a finding).
void expect_named_refusal(const std::exception& error, const std::string& path);
// Aborts with `why` and the message: a finding.
[[noreturn]] void finding(const std::string& why);

// Runs `read`: it succeeds, or it is refused with std::runtime_error or std::invalid_argument (what
// the programs report to the user) naming `path`; an exception of any other kind is a finding.
template <class Read>
void expect_success_or_named_refusal(Read&& read, const std::string& path) {
  try {
    read();
  } catch (const std::runtime_error& e) {
    expect_named_refusal(e, path);
  } catch (const std::invalid_argument& e) {
    expect_named_refusal(e, path);
  } catch (const std::exception& e) {
    finding(std::string("an exception of another kind escaped: ") + e.what());
  }
}

}  // namespace moco::fuzz
