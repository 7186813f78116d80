#!/usr/bin/env bash
# The device check of the runtime and the Python API, in one call on the GPU
# host: builds the runtime (CUDA toolkit only, no MLIR) with its GPU smoke
# test, runs the smoke test (raw, safetensors and given-file weights
# included), the CPU pytest suites of python/tests on this Python, and
# gpu_test_session.py on the artifacts that prepare_gpu_artifacts.py made.
# Usage (repo root, on the device): python/tests/run_gpu_check.sh [ARTIFACT_DIR]
set -uo pipefail
cd "$(dirname "$0")/../.."
export TFC_GPU_ARTIFACTS=${1:-.device-carry/python-gpu}
BUILD=/tmp/build-rt-python
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
python3 --version
cmake -S runtime -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DTFC_RUNTIME_GPU_TESTS=ON -DTFC_RUNTIME_BUILD_TESTS=OFF >/tmp/rt-cmake.log 2>&1 \
  || { cat /tmp/rt-cmake.log; exit 1; }
ninja -C "$BUILD" >/tmp/rt-build.log 2>&1 || { tail -50 /tmp/rt-build.log; exit 1; }
export TFC_RUNTIME_LIB=$BUILD/libtfcrt.so

echo "== runtime GPU smoke test"
"$BUILD/test/tfc-gpu-smoke"; smoke=$?
echo "== CPU pytest suites (compile skipped: no tfc-opt here)"
if python3 -c "import pytest" 2>/dev/null; then
  TFC_TEST_ASSUME_NO_GPU= python3 -m pytest -q -p no:cacheprovider python/tests; cpu=$?
else
  echo "pytest is not installed; skipped"; cpu=0
fi
echo "== gpu_test_session.py"
PYTHONUNBUFFERED=1 python3 python/tests/gpu_test_session.py; gpu=$?
echo "smoke rc=$smoke, CPU suites rc=$cpu, GPU session tests rc=$gpu"
[[ $smoke -eq 0 && $cpu -eq 0 && $gpu -eq 0 ]]
