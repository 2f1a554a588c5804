#!/usr/bin/env bash
# The test suite under the sanitizers, each in its own build folder (GCC, Release at -O1 with line
# tables, so reports name files and lines):
#   address  build-asan/: AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer), every
#            test of the suite, moco-train and the benchmarks' CTests included.
#   thread   build-tsan/: ThreadSanitizer, the tests whose code runs on several threads: the training
#            session (tst_session, the session driver), the window with its background jobs (tst_gui,
#            tst_gui_views), t-SNE's worker pool (tst_tsne).
#   scripts/sanitize.sh [address] [thread]      (both by default; exits non-zero on any report)
# Suppressions (scripts/sanitizers/*.supp) name third-party code only, each with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(address thread)

MOCO_PACKAGES_ONLY=1 bash scripts/setup.sh
supp=$PWD/scripts/sanitizers
jobs=$(nproc)
failed=()

configure() {  # configure FOLDER SANITIZER_FLAGS
  cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g1 -DNDEBUG" \
    -DCMAKE_CXX_FLAGS="$2 -fno-omit-frame-pointer" -DCMAKE_EXE_LINKER_FLAGS="$2" -DCMAKE_SHARED_LINKER_FLAGS="$2" >/dev/null
}

for mode in "${modes[@]}"; do
  case $mode in
    address)
      # vptr is left out: it checks dynamic types through RTTI of LibTorch's and Qt's objects, which
      # were built without it. Any undefined behaviour stops the program (and fails its test).
      configure build-asan "-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined"
      cmake --build build-asan -j"$jobs"
      export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:check_initialization_order=1"
      export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
      export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
      ctest --test-dir build-asan --output-on-failure -j"$jobs" || failed+=(address)
      unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
      ;;
    thread)
      configure build-tsan "-fsanitize=thread"
      tests=(tst_session tst_gui tst_gui_views tst_tsne)
      cmake --build build-tsan -j"$jobs" --target "${tests[@]}" moco-train session_driver
      # exitcode 66 (TSan's) fails a test that reported a race even when it passed otherwise.
      # ignore_noninstrumented_modules: Qt, LibTorch, OpenBLAS and libgomp are not built with TSan.
      # It sees their memcpy, new and delete through its interceptors but none of the futexes and
      # atomics they synchronise with, so it reported every hand-off inside them as a race (231
      # reports in four tests: QtGui's image conversion tasks, LibTorch's OpenMP teams); with this
      # option it checks the code built with it — ours and the library code our files inline.
      # die_after_fork=0: QProcess forks and execs at once (tst_session starts moco-train).
      export TSAN_OPTIONS="suppressions=$supp/tsan.supp:second_deadlock_stack=1:history_size=4:exitcode=66:ignore_noninstrumented_modules=1:die_after_fork=0"
      # First, that these options still catch a race of ours across a hand-off to the pool.
      canary=build-tsan/race_canary
      g++ -std=c++17 -fsanitize=thread -g -O1 -fPIC $(pkg-config --cflags Qt6Core) -Iui -Icore \
        scripts/sanitizers/race_canary.cpp -o "$canary" $(pkg-config --libs Qt6Core)
      if "$canary" >/dev/null 2>&1; then
        echo "sanitize.sh: ThreadSanitizer missed the race in scripts/sanitizers/race_canary.cpp" >&2
        failed+=(thread-canary)
      fi
      regex="^($(IFS='|'; echo "${tests[*]}")|session_driver_cpu)\$"
      ctest --test-dir build-tsan --output-on-failure -R "$regex" || failed+=(thread)
      unset TSAN_OPTIONS
      ;;
    *) echo "sanitize.sh: unknown mode '$mode' (address or thread)" >&2; exit 2 ;;
  esac
done
if ((${#failed[@]})); then
  echo "sanitize.sh: reports or failures under: ${failed[*]} (see the output above)" >&2
  exit 1
fi
echo "sanitize.sh: clean (${modes[*]})"
