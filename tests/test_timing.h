// How many times slower than a plain build this test build runs: its timeouts are multiplied by it.
// Under the sanitizers our code (and every moco-train a test starts) is instrumented: the tiny
// 1600-step run of tst_killed_runs takes 112 s under ASan against 16 s (2026-12-07, 2 cores).
#pragma once

namespace moco::test {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kSlowdown = 4;
#else
constexpr int kSlowdown = 1;
#endif

}  // namespace moco::test
