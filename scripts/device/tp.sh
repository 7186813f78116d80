#!/usr/bin/env bash
# Tensor parallelism on 2 GPUs (issue 11), device part, in one call on the
# `nvidia-h100-x2` kind: builds the runtime with NCCL (the nvidia-nccl-cu13
# Python package's library), checks that `tfc-run --ranks 2` sees both GPUs,
# then benchmarks/tp.py: NCCL's all-reduce bus bandwidth (1/16/256 MiB), and
# per config the 2-rank tfc run against the 1-GPU tfc run and PyTorch, times
# on 1 and 2 GPUs, the speed-up and the all-reduce time, and every run's
# logits against HF transformers' Llama in float32. Prints the table last;
# writes $OUT/tp.json, $OUT/tp.log and the build logs.
#
# Here first (compiles the artifacts with a tfc-opt of the commit whose
# runtime runs them; no GPU), and a snapshot of that commit's runtime:
#   python3 benchmarks/tp.py compile .device-carry/tp3 [--configs ...] [--low-configs ...]
#   mkdir -p .device-carry/tp3/src && git archive HEAD runtime | tar -x -C .device-carry/tp3/src
# Then on the device, from the repo root (carry .device-carry/tp3):
#   [TP_BUDGET_S=540] scripts/device/tp.sh [DIR]
# The runtime is built from DIR/src/runtime when it exists (else ./runtime,
# or TP_RUNTIME_SRC); TP_CONFIGS=a,b runs only those configs. TP_BUDGET_S bounds the whole call (build included);
# tp.py skips the configs that would not fit and says so.
set -uo pipefail
cd "$(dirname "$0")/../.."
DIR=${1:-.device-carry/tp3}
RUNTIME_SRC=${TP_RUNTIME_SRC:-runtime}
[ -z "${TP_RUNTIME_SRC:-}" ] && [ -f "$DIR/src/runtime/CMakeLists.txt" ] && RUNTIME_SRC=$DIR/src/runtime
echo "runtime source: $RUNTIME_SRC"
RESULTS=${OUT:-/tmp/tfc-tp}
mkdir -p "$RESULTS"
t0=$(date +%s)
BUDGET=${TP_BUDGET_S:-540}
# NVLink multicast stays off on these machines, also for every child process.
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader
nvidia-smi topo -m 2>/dev/null | head -4

# NCCL from the Python package (headers and libnccl.so.2).
NCCL_HOME=$(python3 -c 'import nvidia.nccl, os; print(os.path.dirname(nvidia.nccl.__file__))' 2>/dev/null)
if [ -z "$NCCL_HOME" ] || [ ! -f "$NCCL_HOME/include/nccl.h" ]; then
  for d in /usr/local/cuda /usr; do [ -f "$d/include/nccl.h" ] && NCCL_HOME=$d && break; done
fi
echo "NCCL_HOME=$NCCL_HOME"
ls "$NCCL_HOME"/lib* 2>/dev/null | head -5
BUILD=/tmp/build-rt-tp
if cmake -S "$RUNTIME_SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
     -DTFC_RUNTIME_BUILD_TESTS=OFF -DNCCL_HOME="$NCCL_HOME" >"$RESULTS/cmake.log" 2>&1 &&
   ninja -C "$BUILD" tfcrt tfc-run >"$RESULTS/build.log" 2>&1; then
  echo "runtime built in $(( $(date +%s) - t0 )) s"
else
  tail -n 30 "$RESULTS/cmake.log" "$RESULTS/build.log"
  exit 1
fi
grep "tensor parallelism" "$RESULTS/cmake.log"
[ -f "$DIR/artifacts.tar.xz" ] && tar -xJf "$DIR/artifacts.tar.xz" -C "$DIR" && ls "$DIR"/*.tfcm | wc -l
export LD_LIBRARY_PATH="$NCCL_HOME/lib:${LD_LIBRARY_PATH:-}"
"$BUILD/tfc-run" "$DIR/check_b1s64.rank{rank}.tfcm" --ranks 2 --inspect | tail -1

LEFT=$(( BUDGET - ($(date +%s) - t0) - 15 ))
python3 benchmarks/tp.py run "$DIR" --tfc-run "$BUILD/tfc-run" --budget-s "$LEFT" \
  ${TP_CONFIGS:+--configs "$TP_CONFIGS"} 2>&1 \
  | tee "$RESULTS/tp.out"
rc=${PIPESTATUS[0]}
echo "tp.sh: $(( $(date +%s) - t0 )) s, rc=$rc"
exit $rc
