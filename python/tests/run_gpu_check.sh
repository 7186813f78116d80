#!/usr/bin/env bash
# The device check of the runtime and the Python API, in one call on the GPU
# host: builds the runtime (CUDA toolkit only, no MLIR) with its GPU smoke
# test, runs the smoke test (raw, safetensors and given-file weights
# included), the CPU pytest suites of python/tests on this Python, and
# gpu_test_session.py on the artifacts that prepare_gpu_artifacts.py made
# (NumPy, torch CUDA zero-copy, DLPack and __cuda_array_interface__, CuPy and
# JAX when importable, gpt2_tiny graph replay vs launch by launch).
# The log and python_gpu.json (the numbers) go to $OUT (default
# /tmp/tfc-python-gpu).
# Usage (repo root, on the device): python/tests/run_gpu_check.sh [ARTIFACT_DIR]
#   (ARTIFACT_DIR default .device-carry/python). $TFC_RUNTIME_SRC (default
#   runtime) is the runtime source tree to build: a snapshot of a commit
#   (`git archive HEAD runtime | tar -x -C DIR`, carried) when the working
#   tree's runtime is being edited.
set -uo pipefail
cd "$(dirname "$0")/../.."
export TFC_GPU_ARTIFACTS=${1:-.device-carry/python}
export OUT=${OUT:-/tmp/tfc-python-gpu}
mkdir -p "$OUT"
BUILD=/tmp/build-rt-python
RUNTIME_SRC=${TFC_RUNTIME_SRC:-runtime}

check() {
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  python3 --version
  python3 -c "import numpy; print('numpy', numpy.__version__)"
  python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)" 2>/dev/null
  git log -1 --format='commit %h %s' 2>/dev/null
  local t0=$SECONDS
  echo "runtime sources: $RUNTIME_SRC"
  cmake -S "$RUNTIME_SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DTFC_RUNTIME_GPU_TESTS=ON -DTFC_RUNTIME_BUILD_TESTS=OFF >/tmp/rt-cmake.log 2>&1 \
    || { cat /tmp/rt-cmake.log; return 1; }
  ninja -C "$BUILD" >/tmp/rt-build.log 2>&1 || { tail -50 /tmp/rt-build.log; return 1; }
  echo "runtime built in $((SECONDS - t0)) s"
  export TFC_RUNTIME_LIB=$BUILD/libtfcrt.so

  echo "== runtime GPU smoke test"
  "$BUILD/test/tfc-gpu-smoke"; local smoke=$?
  echo "== CPU pytest suites (compile tests skip: no tfc-opt here)"
  local cpu=0
  if python3 -c "import pytest" 2>/dev/null; then
    TFC_TEST_ASSUME_NO_GPU= python3 -m pytest -q -p no:cacheprovider -rs python/tests; cpu=$?
  else
    echo "pytest is not installed; skipped"
  fi
  echo "== gpu_test_session.py"
  # JAX would otherwise take 75% of the GPU's memory at import.
  XLA_PYTHON_CLIENT_PREALLOCATE=false PYTHONUNBUFFERED=1 \
    python3 python/tests/gpu_test_session.py; local gpu=$?
  echo "smoke rc=$smoke, CPU suites rc=$cpu, GPU session tests rc=$gpu"
  [[ $smoke -eq 0 && $cpu -eq 0 && $gpu -eq 0 ]] && echo "verdict: PASS" || { echo "verdict: FAIL"; return 1; }
}

check 2>&1 | tee "$OUT/run_gpu_check.log"
exit "${PIPESTATUS[0]}"
