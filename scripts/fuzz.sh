#!/usr/bin/env bash
# Fuzzes every reader of untrusted bytes (tests/fuzz: IDX, CIFAR/STL archives, image decoding,
# configuration JSON and --set, checkpoints, run folders) with libFuzzer under ASan + UBSan, SECONDS
# each (default 60). The corpus of each target starts from its seeds (the inputs the tests build) and
# grows in build-fuzz/corpus/<target>; a finding is saved to build-fuzz/findings/<target>/ and the
# script exits 1 naming it — copy it to tests/fuzz/regressions/<target>/ once fixed, where CTest
# replays it for good.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
all_targets=(idx releases image config checkpoint run_folder)
targets=("${@:-${all_targets[@]}}")

MOCO_PACKAGES_ONLY=1 bash scripts/setup.sh
for package in clang-14 libclang-rt-14-dev; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev
    break
  fi
done

# vptr is left out: it would check the dynamic types of LibTorch's objects, built without it.
sanitizers="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOCO_HEADLESS=ON \
  -DMOCO_BUILD_TESTS=OFF -DMOCO_BUILD_BENCH=OFF -DMOCO_FUZZ=ON -DCMAKE_CXX_FLAGS="$sanitizers" >/dev/null
build_targets=()
for t in "${targets[@]}"; do build_targets+=("fuzz_$t" "replay_$t"); done
cmake --build build-fuzz -j"$(nproc)" --target "${build_targets[@]}"

# LibTorch keeps allocations for the life of the process (thread pools, registries): not our leaks.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
summary=build-fuzz/fuzz-summary.txt
printf '%-12s %12s %10s %s\n' target executions "exec/s" findings >"$summary"
found=0
for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t findings=build-fuzz/findings/$t
  mkdir -p "$corpus" "$findings"
  "build-fuzz/tests/fuzz/replay_$t" --seeds "$corpus"
  log=build-fuzz/fuzz-$t.log
  set +e
  # -timeout: an input that takes 10 s is a finding (a hang); -rss_limit_mb: so is one that needs 4 GB.
  "build-fuzz/tests/fuzz/fuzz_$t" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -max_len=262144 -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  crashes=$(find "$findings" -type f | wc -l)
  printf '%-12s %12s %10s %s\n' "$t" "${runs:-?}" "${rate:-?}" "$crashes" >>"$summary"
  if [ "$crashes" -gt 0 ]; then
    found=1
    echo "fuzz: $t found $crashes input(s) in $findings (log: $log)" >&2
  fi
done
cat "$summary"
exit "$found"
