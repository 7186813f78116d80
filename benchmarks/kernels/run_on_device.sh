#!/usr/bin/env bash
# Device half of the kernel benchmark, in one call: builds the runtime's
# tfc-run from the runtime snapshot that compile_cases.sh carried (the one
# matching the artifacts), then runs bench_kernels.py over the compiled cases.
# Usage (on the device, from the repo root, after compile_cases.sh here):
#   bash .device-carry/kernels/run_on_device.sh [--only REGEX] [...]
set -uo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
RESULTS=${OUT:-/tmp/bench-out}
mkdir -p "$RESULTS"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader
echo "commit $(cat "$DIR/commit") (uncommitted kernel files: $(cat "$DIR/dirty_files"))"
cmake -S "$DIR/runtime-src" -B /tmp/build-rt -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DTFC_RUNTIME_GPU_TESTS=OFF -DTFC_RUNTIME_BUILD_TESTS=OFF >/tmp/rt-cmake.log 2>&1 \
  || { cat /tmp/rt-cmake.log; exit 1; }
ninja -C /tmp/build-rt tfc-run >/tmp/rt-build.log 2>&1 || { tail -30 /tmp/rt-build.log; exit 1; }
PYTHONUNBUFFERED=1 python3 "$DIR/bench_kernels.py" --tfc-run /tmp/build-rt/tfc-run \
  --dir "$DIR" --out "$RESULTS" "$@" 2>&1 | tee "$RESULTS/bench.log"
