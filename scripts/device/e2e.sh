#!/usr/bin/env bash
# End-to-end benchmark (issue 8), device part, in one call: builds the runtime
# (libtfcrt, CUDA toolkit only), then benchmarks/e2e.py loads every compiled
# artifact of DIR in one Python process beside PyTorch, proves and binds the
# regenerated weights, and times tfc against PyTorch eager / torch.compile /
# reduce-overhead (SDPA) on the same GPU. Prints the ratio table last; writes
# $OUT/e2e.json and $OUT/e2e.log.
#
# Here first (see benchmarks/RESULTS.md):
#   python3 scripts/models/export_real_models.py /tmp/e2e-export   (or on the device)
#   cp /tmp/e2e-export/*.onnx /tmp/e2e-export/manifest.json .device-carry/e2e/
#   python3 scripts/device/e2e_compile.py .device-carry/e2e
#   (optional fallback) the runtime built here in .device-carry/e2e/prebuilt/libtfcrt.so
# Usage (on the device, from the repo root; carry .device-carry):
#   [E2E_BUDGET_S=540] [E2E_RUNTIME_SRC=runtime] scripts/device/e2e.sh [DIR] [e2e.py options, e.g. --models a,b]
# E2E_RUNTIME_SRC: the runtime sources to build (default: the carried tree's
# runtime/; e.g. a committed snapshot: git archive HEAD runtime | tar -x -C DIR/src).
#
# Lever ablation + roofline (issue 8), here first:
#   python3 scripts/device/e2e_compile.py --ablation .device-carry/e2e3
# then on the device (carry .device-carry/e2e3, about 4 minutes):
#   E2E_BUDGET_S=230 scripts/device/e2e.sh .device-carry/e2e3 --ablation
# times GPT-2 with every lever on and each lever off (table "lever | ms with
# lever off | ms all on | time the lever saves") and writes
# $OUT/ablation_results.json and $OUT/roofline_<model>.{html,svg,txt}
# (tfc-run --roofline, built here with the runtime).
set -uo pipefail
cd "$(dirname "$0")/../.."
DIR=${1:-.device-carry/e2e}
shift || true
RESULTS=${OUT:-/tmp/tfc-e2e}
mkdir -p "$RESULTS"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv,noheader
t0=$(date +%s)
# everything below ends by END (E2E_BUDGET_S after the start; the deadline skips what won't fit)
END=$(( t0 + ${E2E_BUDGET_S:-540} ))
# The runtime from the carried tree; if it does not build (someone's edit in
# flight), DIR/prebuilt/libtfcrt.so built on the compile machine, if any.
RT_SRC=${E2E_RUNTIME_SRC:-runtime}
echo "runtime sources: $RT_SRC"
# One build folder per source tree: a warm machine keeps /tmp between calls,
# and CMake refuses a build folder configured for another source folder.
BUILD_RT=/tmp/build-rt-$(realpath "$RT_SRC" | md5sum | cut -c1-8)
LIB=$BUILD_RT/libtfcrt.so
if cmake -S "$RT_SRC" -B "$BUILD_RT" -G Ninja -DCMAKE_BUILD_TYPE=Release \
     -DTFC_RUNTIME_BUILD_TESTS=OFF >/tmp/rt-cmake.log 2>&1 &&
   ninja -C "$BUILD_RT" tfcrt tfc-run >/tmp/rt-build.log 2>&1; then
  echo "runtime built in $(( $(date +%s) - t0 )) s ($(g++ --version | head -1))"
else
  tail -n 30 /tmp/rt-cmake.log /tmp/rt-build.log
  [ -f "$DIR/prebuilt/libtfcrt.so" ] || exit 1
  echo "runtime build FAILED; using $DIR/prebuilt/libtfcrt.so"
  LIB=$DIR/prebuilt/libtfcrt.so
fi
# The artifacts must load in the benchmark's process (torch + CUDA + transformers up).
# If the runtime built here crashes there, say where (cuda-gdb backtrace) and fall back
# to DIR/prebuilt/libtfcrt.so (the same sources built on the compile machine), if any.
for a in "$DIR"/*.tfcm; do [ -x "$BUILD_RT/tfc-run" ] && "$BUILD_RT/tfc-run" "$a" --inspect 2>&1 | head -1; echo "tfc-run --inspect rc=${PIPESTATUS[0]}"; break; done
PYTHONFAULTHANDLER=1 python3 benchmarks/e2e.py --probe --lib "$LIB" --dir "$DIR" --out "$RESULTS" 2>&1 \
  | grep -e "^probe" -e "Fatal" -e "File \"" | head -20
if [ "${PIPESTATUS[0]}" != 0 ]; then
  echo "probe with the runtime built on this machine FAILED"
  command -v cuda-gdb >/dev/null && timeout 45 cuda-gdb -batch -ex run -ex bt \
    --args python3 benchmarks/e2e.py --probe --lib "$LIB" --dir "$DIR" --out "$RESULTS" 2>&1 \
    | grep -E "^#|signal" | head -25
  if [ -f "$DIR/prebuilt/libtfcrt.so" ]; then
    LIB=$DIR/prebuilt/libtfcrt.so
    python3 benchmarks/e2e.py --probe --lib "$LIB" --dir "$DIR" --out "$RESULTS" 2>&1 | grep -e "^probe" | head -4
    echo "using $LIB"
  fi
fi
TMPW=/tmp/tfc-e2e-weights
df -h /tmp /dev/shm 2>/dev/null | tail -n +2
# a tmpfs only when it has room for the largest model's weights (4.4 GB) twice
if [ "$(df --output=avail -k /dev/shm 2>/dev/null | tail -1)" -gt 10000000 ] 2>/dev/null; then
  TMPW=/dev/shm/tfc-e2e-weights
fi
bench() {
  PYTHONFAULTHANDLER=1 PYTHONUNBUFFERED=1 python3 benchmarks/e2e.py --lib "$LIB" --dir "$DIR" \
    --out "$RESULTS" --tmp "$TMPW" --deadline-at "$END" --tfc-run "$BUILD_RT/tfc-run" "$@" 2>&1 \
    | grep -v -e "UserWarning" -e "^  warnings.warn" | tee -a "$RESULTS/e2e.log"
  return "${PIPESTATUS[0]}"
}
bench "$@"; rc=$?
if [ "$rc" = 139 ] && [ "$LIB" != "$DIR/prebuilt/libtfcrt.so" ] && [ -f "$DIR/prebuilt/libtfcrt.so" ]; then
  echo "== crashed with $LIB; again with $DIR/prebuilt/libtfcrt.so"
  LIB=$DIR/prebuilt/libtfcrt.so; bench "$@"; rc=$?
fi
if [ "$rc" = 139 ]; then
  echo "== crashed again; PyTorch baselines only (--no-tfc)"
  bench --no-tfc "$@"; rc=$?
fi
rm -rf "$TMPW"
exit "$rc"
