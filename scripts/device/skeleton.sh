#!/usr/bin/env bash
# Walking skeleton, device part, in one call: builds the runtime with cmake +
# nvcc/g++ (no MLIR), runs its GPU smoke test, then runs every compiled
# artifact in ARTIFACT_DIR against the references (scripts/device/skeleton_check.py).
# Usage (on the device, from the repo root): scripts/device/skeleton.sh [ARTIFACT_DIR]
set -uo pipefail
cd "$(dirname "$0")/../.."
ART=${1:-.device-carry/artifacts}
RESULTS=${OUT:-/tmp/tfc-skeleton}
mkdir -p "$RESULTS"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
cmake -S runtime -B /tmp/build-rt -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DTFC_RUNTIME_GPU_TESTS=ON -DTFC_RUNTIME_BUILD_TESTS=OFF >/tmp/rt-cmake.log 2>&1 \
  || { cat /tmp/rt-cmake.log; exit 1; }
ninja -C /tmp/build-rt >/tmp/rt-build.log 2>&1 || { tail -50 /tmp/rt-build.log; exit 1; }
TFC_RUN=$(find /tmp/build-rt -name tfc-run -type f -perm -u+x | head -1)
for t in $(find /tmp/build-rt -name '*gpu*smoke*' -type f -perm -u+x); do
  echo "== $t"; "$t" || echo "GPU smoke test FAILED: $t"
done
PYTHONUNBUFFERED=1 python3 scripts/device/skeleton_check.py --tfc-run "$TFC_RUN" \
  --artifacts "$ART" --out "$RESULTS"
