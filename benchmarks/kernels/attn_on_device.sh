#!/usr/bin/env bash
# Device half of the attention benchmark, in one call (compiles nothing):
# builds tfc-run from the runtime snapshot compile_attn.sh carried, then
# runs bench_kernels.py over every kernel version compiled into
# .device-carry/attn/<VARIANT>/ (or those named in $VARIANTS), all in the
# same call on the same GPU, each with its own PyTorch peers (SDPA's
# FlashAttention-2 and cuDNN backends). The variants named in
# $CHECK_VARIANTS (default: the last one) run every case, check cases
# (against the f32 reference, under compute-sanitizer memcheck/racecheck)
# and pinned tile variants included; the others only the cases matching
# $BENCH_ONLY (default: the four issue shapes with default tiles).
# Usage (on the device, from the repo root):
#   [VARIANTS="base new"] [CHECK_VARIANTS=new] bash .device-carry/attn/attn_on_device.sh
set -uo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
RESULTS=${OUT:-/tmp/attn-out}
mkdir -p "$RESULTS"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader
cmake -S "$DIR/runtime-src" -B /tmp/build-rt -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DTFC_RUNTIME_GPU_TESTS=OFF -DTFC_RUNTIME_BUILD_TESTS=OFF >/tmp/rt-cmake.log 2>&1 \
  || { cat /tmp/rt-cmake.log; exit 1; }
ninja -C /tmp/build-rt tfc-run >/tmp/rt-build.log 2>&1 || { tail -30 /tmp/rt-build.log; exit 1; }
VARIANTS=${VARIANTS:-$(cd "$DIR" && for d in */artifacts; do dirname "$d"; done)}
CHECK_VARIANTS=${CHECK_VARIANTS:-$(echo $VARIANTS | awk '{print $NF}')}
status=0
for v in $VARIANTS; do
  only=${BENCH_ONLY:-'^(gpt2_attn|attn_d128_causal|attn_d128|llama_attn_gqa)$'}
  case " $CHECK_VARIANTS " in *" $v "*) only='' ;; esac
  echo "=== variant $v: $(cat "$DIR/$v/commit")"
  mkdir -p "$RESULTS/$v"
  PYTHONUNBUFFERED=1 python3 "$DIR/bench_kernels.py" --tfc-run /tmp/build-rt/tfc-run \
    --dir "$DIR/$v" --out "$RESULTS/$v" --only "$only" "$@" 2>&1 | tee "$RESULTS/$v/bench.log"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
done
exit $status
