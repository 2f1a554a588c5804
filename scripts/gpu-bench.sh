#!/usr/bin/env bash
# Everything the GPU benchmark measures, in one command for a GPU machine without Qt (pip torch with
# CUDA, no -dev packages: scripts/gpu-deps.sh here makes .gpu-deps to carry there):
#   1. builds core, moco-train, train_bench and session_driver headless against torch's LibTorch;
#   2. runs the window's session path on CUDA (bench/session_driver; fails fast: nothing else runs
#      when it cannot train there);
#   3. throughput, interleaved: ours end-to-end and engine-only (train_bench) against the Python
#      reference's 'users' (8 DataLoader workers) and 'tuned' variants, per precision and batch;
#   4. after the first precision's first repetition, time-to-accuracy of both sides: moco-train
#      --eval-every and moco_reference.py --tta-budget, kNN on the whole Fashion-MNIST test set;
#   5. the remaining repetitions, until the deadline.
# Model: ResNet-18 in its CIFAR form at 32 px (Fashion-MNIST resized), MoCo v2, K 4096.
# Everything past DEADLINE_S seconds after the start is skipped and written as "not measured".
# Out: $OUT/results.jsonl (one line per measurement), table.md (bench/gpu_table.py), machine.txt,
# session_driver.json, bench.log; build logs too when the build fails.
#
# Environment (defaults): OUT (bench/results/gpu), DEADLINE_S (450), REPS (2), BATCHES ("256 512 1024"),
#   PRECISIONS ("fp32 bf16"), STEPS (30) and WARMUP (10) per throughput run, TTA_BUDGET (45 s per side),
#   TTA_SCHEDULE (2000 steps), TTA_EVERY (200 steps), TTA_VARIANT (tuned), MOCO_DEPS (.gpu-deps),
#   PYTHON (python3), BUILD_DIR (build-gpu), BUILD (1; 0 reuses the targets already built there).
# DRY=1 checks the script's logic on a CPU machine: the existing build/ (built here), device cpu, the
#   small CNN, tiny steps, a bounded kNN; Python is skipped when its torch does not import.
set -uo pipefail  # not -e: a failed measurement is recorded and the others still run
cd "$(dirname "$0")/.."
start_time=$(date +%s)
dry=${DRY:-0}
out=${OUT:-bench/results/gpu}
deps=$(realpath -m "${MOCO_DEPS:-.gpu-deps}")
python=${PYTHON:-python3}
if [ "$dry" = 1 ]; then
  device=cpu encoder=small_cnn size=28 build=${BUILD_DIR:-build}
  deadline=${DEADLINE_S:-900} reps=${REPS:-1} batches=${BATCHES:-32} steps=${STEPS:-2} warmup=${WARMUP:-1}
  tta_budget=${TTA_BUDGET:-15} tta_schedule=${TTA_SCHEDULE:-200} tta_every=${TTA_EVERY:-10}
  eval_bank=2000 eval_test=1000 workers=2 driver_batch=64 phase_timeout=120 driver_limit=900  # the whole sets take minutes on 2 CPU cores
else
  device=cuda encoder=resnet18_cifar size=32 build=${BUILD_DIR:-build-gpu}
  deadline=${DEADLINE_S:-450} reps=${REPS:-2} batches=${BATCHES:-256 512 1024} steps=${STEPS:-30} warmup=${WARMUP:-10}
  tta_budget=${TTA_BUDGET:-45} tta_schedule=${TTA_SCHEDULE:-2000} tta_every=${TTA_EVERY:-200}
  eval_bank=0 eval_test=0 workers=8 driver_batch=256 phase_timeout=60 driver_limit=240
fi
precisions=${PRECISIONS:-fp32 bf16}
tta_variant=${TTA_VARIANT:-tuned}
mkdir -p "$out"
work=$(mktemp -d)  # run folders and checkpoints: large, and not results
trap 'rm -rf "$work"' EXIT
results="$out/results.jsonl"
log="$out/bench.log"
: > "$results"
: > "$log"

left() { echo $((deadline - ($(date +%s) - start_time))); }
say() { echo "[$(($(date +%s) - start_time)) s] $*" | tee -a "$log"; }
json_str() { "$python" -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1" 2>/dev/null || echo '"?"'; }
# record KIND STATUS JSON_FIELDS [RESULT_JSON] [MESSAGE]: one line of results.jsonl.
record() {
  local line="{\"kind\":\"$1\",\"status\":\"$2\",$3"
  [ -n "${4:-}" ] && line+=",\"result\":$4"
  [ -n "${5:-}" ] && line+=",\"message\":$(json_str "$5")"
  echo "$line}" >> "$results"
}

data_dir=/usr/share/datasets/fashion-mnist
[ -f "$data_dir/train-images-idx3-ubyte.gz" ] || data_dir="$deps/fashion-mnist"
[ -f "$data_dir/train-images-idx3-ubyte.gz" ] || { echo "gpu-bench: no Fashion-MNIST in /usr/share/datasets/fashion-mnist or $data_dir (run scripts/gpu-deps.sh and carry .gpu-deps)" >&2; exit 1; }
# data.dataset with the path: moco-train refuses a data.path that the (synthetic) default would ignore.
data_sets=(--set data.dataset=fashion-mnist --set "data.path=$data_dir")
model_sets=(--set "model.encoder=$encoder" --set "augment.output_size=$size")
python_ok=1
"$python" -c 'import torch, torchvision' 2>/dev/null || python_ok=0
[ "$dry" = 1 ] || [ "$python_ok" = 1 ] || { echo "gpu-bench: $python cannot import torch and torchvision" >&2; exit 1; }

# ---- 1. build --------------------------------------------------------------------------------
{
  echo "machine: $(nproc) CPU cores, $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo 'no nvidia-smi')"
  [ "$python_ok" = 1 ] && echo "torch: $("$python" -c 'import torch; print(torch.__version__)')"
  echo "started: $(date -u '+%Y-%m-%d %H:%M UTC'), deadline ${deadline} s, dry ${dry}"
} | tee "$out/machine.txt" | tee -a "$log"
targets=(moco-train train_bench session_driver)
if [ "${BUILD:-1}" = 0 ]; then
  : # BUILD=0: the targets in $build are built already (a second run on the same machine)
elif [ "$dry" = 1 ]; then
  nice -n 19 cmake --build "$build" --target "${targets[@]}" -j2 > "$out/build.log" 2>&1 ||
    { say "build failed (see build.log)"; exit 1; }
else
  prefix=$("$python" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')
  # Recent LibTorch headers need C++20; 1.13 .. 2.x build as C++17.
  std=$("$python" -c 'import torch; v = tuple(int(x) for x in torch.__version__.split("+")[0].split(".")[:2]); print(20 if v >= (2, 10) else 17)')
  zlib_lib=$(ldconfig -p | awk '/libz\.so\.1 .*x86-64/ {print $NF; exit}')
  generator=(); command -v ninja > /dev/null && generator=(-G Ninja)
  cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DMOCO_HEADLESS=ON -DMOCO_BUILD_TESTS=OFF \
    -DCMAKE_PREFIX_PATH="$prefix" -DMOCO_EXTRA_INCLUDE_DIR="$deps/include" -DZLIB_INCLUDE_DIR="$deps/include" \
    -DZLIB_LIBRARY="$zlib_lib" -DCMAKE_CXX_STANDARD="$std" > "$out/cmake.log" 2>&1 ||
    { tail -30 "$out/cmake.log"; say "cmake failed (see cmake.log)"; exit 1; }
  cmake --build "$build" --target "${targets[@]}" -j"$(nproc)" > "$out/build.log" 2>&1 ||
    { grep -m20 -A5 error "$out/build.log"; say "build failed (see build.log)"; exit 1; }
  rm -f "$out/cmake.log" "$out/build.log"  # fewer files to bring back; kept only when something failed
fi
say "built ${targets[*]} in $build"  # (or found them there, BUILD=0)

# ---- 2. the window's session path on the device ----------------------------------------------
driver_out="$work/driver"
# Nine phases; on a GPU each takes seconds (the first also starts CUDA), so one that waits a minute
# has found a fault, and the whole driver gets four.
driver_json=$(timeout "$driver_limit" "$build/bench/session_driver" --device "$device" --preset v2 "${data_sets[@]}" \
  "${model_sets[@]}" --set "optim.batch_size=$driver_batch" --steps 20 --phase-timeout "$phase_timeout" \
  --out "$driver_out" 2>> "$log" | tail -1)
driver_rc=$?
cp "$driver_out/session_driver.json" "$out/" 2>/dev/null
if [ "$driver_rc" = 0 ]; then
  record driver ok "\"device\":\"$device\"" "$driver_json"
  say "session driver: every phase ok"
else
  case "$driver_json" in
    "{"*) record driver failed "\"device\":\"$device\"" "$driver_json" "exit $driver_rc" ;;
    *) record driver failed "\"device\":\"$device\"" "" "exit $driver_rc: $(tail -3 "$log")" ;;
  esac
  say "session driver failed (exit $driver_rc): nothing else is measured"
  "$python" bench/gpu_table.py "$results" --batches "$batches" --precisions "$precisions" > "$out/table.md"
  exit 1
fi

# ---- 3-5. throughput and time-to-accuracy ------------------------------------------------------
declare -A rejected  # "side_precision" -> why: the side does not take that precision flag
# throughput SIDE VARIANT BATCH PRECISION REP: one measurement, or its "not measured" line.
throughput() {
  local side=$1 variant=$2 batch=$3 precision=$4 rep=$5
  local fields="\"side\":\"$side\",\"variant\":\"$variant\",\"batch\":$batch,\"precision\":\"$precision\",\"rep\":$rep"
  if [ "$side" = python ] && [ "$python_ok" = 0 ]; then record throughput "not measured" "$fields" "" "$python cannot import torch"; return; fi
  if [ -n "${rejected[${side}_$precision]:-}" ]; then record throughput error "$fields" "" "${rejected[${side}_$precision]}"; return; fi
  if [ "$(left)" -lt 20 ]; then record throughput "not measured" "$fields" "" "deadline"; return; fi
  local flags=() cmd=() output rc
  if [ "$side" = ours ]; then
    [ "$precision" = fp32 ] || flags=(--set "run.precision=$precision")
    cmd=("$build/bench/train_bench" --mode "$variant" --preset v2 --steps "$steps" --warmup "$warmup" "${model_sets[@]}"
         --set "optim.batch_size=$batch" --set "run.device=$device" "${data_sets[@]}" "${flags[@]}")
  else
    [ "$precision" = fp32 ] || flags=(--precision "$precision")
    cmd=("$python" bench/python/moco_reference.py --variant "$variant" --workers "$workers" --preset v2 --encoder "$encoder"
         --image-size "$size" --batch "$batch" --device "$device" --steps "$steps" --warmup "$warmup" --data-dir "$data_dir"
         --json-out "$work/py.json" "${flags[@]}")
  fi
  rm -f "$work/py.json"
  output=$(timeout "$(( $(left) < 120 ? $(left) : 120 ))" "${cmd[@]}" 2> "$work/stderr")
  rc=$?
  cat "$work/stderr" >> "$log"
  local result
  if [ "$side" = ours ]; then result=$(echo "$output" | tail -1); else result=$(tr -d '\n' < "$work/py.json" 2>/dev/null); fi
  if [ "$rc" = 0 ] && [ "${result:0:1}" = "{" ]; then
    record throughput ok "$fields" "$result"
    say "$side $variant batch $batch $precision rep $rep: $(echo "$result" | grep -o '"images_per_second": *[0-9.]*')"
  else
    local why
    why="exit $rc: $(grep -v '^\s*$' "$work/stderr" | tail -1)"
    # A usage or configuration error (exit 2) on a precision flag: the side does not take it yet.
    [ "$rc" = 2 ] && [ "$precision" != fp32 ] && rejected[${side}_$precision]="$precision flag rejected earlier: $why"
    record throughput error "$fields" "" "$why"
    say "$side $variant batch $batch $precision rep $rep failed: $why"
  fi
}

tta_ours() {
  local fields="\"side\":\"ours\",\"variant\":\"moco-train\",\"precision\":\"fp32\""
  if [ "$(left)" -lt $((tta_budget + 30)) ]; then record tta "not measured" "$fields" "" "deadline"; return; fi
  local run="$work/tta-ours"
  rm -rf "$run"
  "$build/app/moco-train" -q --preset v2 "${model_sets[@]}" "${data_sets[@]}" --set optim.batch_size=256 \
    --set "run.device=$device" --set "run.total_steps=$tta_schedule" --set run.checkpoint_every=0 \
    --eval-every "$tta_every" --eval-bank "$eval_bank" --eval-test "$eval_test" --out "$run" 2>> "$log" &
  local pid=$! begun=$(date +%s)
  # Until the budget is spent (steps and kNN counted as on the Python side) or 90 % is passed; the
  # wall-clock limit also covers loading, the floors and the evaluations' probe, health and
  # consistency, which moco-train adds and the clock leaves out.
  while kill -0 "$pid" 2> /dev/null; do
    if "$python" bench/gpu_tta.py done "$run" --budget "$tta_budget" || [ $(($(date +%s) - begun)) -gt $((tta_budget + 90)) ] ||
       [ "$(left)" -lt 5 ]; then
      kill -TERM "$pid" 2> /dev/null  # moco-train stops after the current step and saves
      for _ in $(seq 20); do kill -0 "$pid" 2> /dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2> /dev/null
      break
    fi
    sleep 1
  done
  wait "$pid" 2> /dev/null
  local result
  result=$("$python" bench/gpu_tta.py summary "$run" --budget "$tta_budget")
  if [ "${result:0:1}" = "{" ] && [ -f "$run/metrics.jsonl" ]; then
    record tta ok "$fields" "$result"
    say "ours time-to-accuracy: $result"
  else
    record tta error "$fields" "" "no metrics: $(tail -2 "$log")"
  fi
}

tta_python() {
  local fields="\"side\":\"python\",\"variant\":\"$tta_variant\",\"precision\":\"fp32\""
  if [ "$python_ok" = 0 ]; then record tta "not measured" "$fields" "" "$python cannot import torch"; return; fi
  if [ "$(left)" -lt $((tta_budget + 30)) ]; then record tta "not measured" "$fields" "" "deadline"; return; fi
  local result rc
  result=$(timeout $((tta_budget + 90)) "$python" bench/python/moco_reference.py --tta-budget "$tta_budget" \
    --tta-every "$tta_every" --tta-schedule "$tta_schedule" --variant "$tta_variant" --workers "$workers" --preset v2 \
    --encoder "$encoder" --image-size "$size" --batch 256 --device "$device" --data-dir "$data_dir" 2>> "$log" | tail -1)
  rc=$?
  if [ "$rc" = 0 ] && [ "${result:0:1}" = "{" ]; then
    record tta ok "$fields" "$result"
    say "python time-to-accuracy: $result"
  else
    record tta error "$fields" "" "exit $rc: $(tail -1 "$log")"
  fi
}

first=1
for rep in $(seq "$reps"); do
  for precision in $precisions; do
    for batch in $batches; do
      for variant in e2e engine; do throughput ours "$variant" "$batch" "$precision" "$rep"; done
      for variant in users tuned; do throughput python "$variant" "$batch" "$precision" "$rep"; done
    done
    if [ "$first" = 1 ]; then  # the headline numbers before the deadline can take them
      first=0
      tta_ours
      tta_python
    fi
  done
done
"$python" bench/gpu_table.py "$results" --batches "$batches" --precisions "$precisions" > "$out/table.md"
say "done: $results, $out/table.md"
cat "$out/table.md"
