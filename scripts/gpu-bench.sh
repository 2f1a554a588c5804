#!/usr/bin/env bash
# Benchmark 1 on a CUDA GPU: on a Linux machine with an NVIDIA GPU and a pip-installed torch but
# no Qt, builds core + moco-train + train_bench headless against torch's bundled LibTorch
# (torch.utils.cmake_prefix_path) and times ResNet-18 (CIFAR form, 32x32 inputs) at batch 256 and
# 512 against the Python reference (bench/python/moco_reference.py) on the same GPU, interleaved.
#
# Environment: MOCO_DEPS  folder with include/{nlohmann,CLI,zlib.h,zconf.h} and fashion-mnist/
#                         when the machine lacks them (scripts/gpu-deps.sh makes it; default .gpu-deps)
#              OUT        where results go (default bench/results/gpu)
#              REPS       repetitions of each measurement (default 2)
#              OURS_VARIANTS / PY_VARIANTS  subsets of "e2e engine" / "users tuned engine"
set -euo pipefail
cd "$(dirname "$0")/.."
deps=$(realpath "${MOCO_DEPS:-.gpu-deps}")
out=${OUT:-bench/results/gpu}
reps=${REPS:-2}
mkdir -p "$out"
python=${PYTHON:-python3}

prefix=$($python -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')
torch_version=$($python -c 'import torch; print(torch.__version__)')
# Recent LibTorch headers need C++20; 1.13 .. 2.x build as C++17.
std=$($python -c 'import torch; v = tuple(int(x) for x in torch.__version__.split("+")[0].split(".")[:2]); print(20 if v >= (2, 10) else 17)')
zlib_lib=$(ldconfig -p | awk '/libz\.so\.1 .*x86-64/ {print $NF; exit}')
data_dir=/usr/share/datasets/fashion-mnist
[ -d "$data_dir" ] || data_dir="$deps/fashion-mnist"

{
  echo "machine: $(nproc) CPU cores, $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader)"
  echo "torch: $torch_version, C++$std, zlib $zlib_lib"
} | tee "$out/machine.txt"

cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOCO_HEADLESS=ON -DMOCO_BUILD_TESTS=OFF \
  -DCMAKE_PREFIX_PATH="$prefix" -DMOCO_EXTRA_INCLUDE_DIR="$deps/include" -DZLIB_INCLUDE_DIR="$deps/include" \
  -DZLIB_LIBRARY="$zlib_lib" -DCMAKE_CXX_STANDARD="$std" > "$out/cmake.log" 2>&1 || { tail -30 "$out/cmake.log"; exit 1; }
cmake --build build-gpu --target train_bench moco-train -j"$(nproc)" > "$out/build.log" 2>&1 || { grep -m20 -A5 error "$out/build.log"; exit 1; }
echo "built in build-gpu"

results="$out/results.jsonl"
: > "$results"
steps=${STEPS:-40}
warmup=${WARMUP:-10}
for rep in $(seq "$reps"); do
  for batch in 256 512; do
    common_ours=(--preset v2 --steps "$steps" --warmup "$warmup" --set model.encoder=resnet18_cifar --set augment.output_size=32
                 --set optim.batch_size="$batch" --set run.device=cuda --set data.dataset=fashion-mnist --set data.path="$data_dir")
    common_py=(--preset v2 --encoder resnet18_cifar --image-size 32 --batch "$batch" --device cuda --steps "$steps"
               --warmup "$warmup" --data-dir "$data_dir")
    for variant in ${OURS_VARIANTS:-e2e engine}; do
      build-gpu/bench/train_bench --mode "$variant" "${common_ours[@]}" | tail -1 >> "$results"
    done
    for variant in ${PY_VARIANTS:-users tuned engine}; do
      $python bench/python/moco_reference.py --variant "$variant" --workers 8 "${common_py[@]}" \
        --json-out "$out/py.json" > /dev/null && tr -d '\n' < "$out/py.json" >> "$results" && echo >> "$results"
    done
    echo "rep $rep batch $batch done"
  done
done
echo "results in $results"
