#!/usr/bin/env bash
# wgmma + TMA matmuls in compiled models (issues 6, 8), device part, in one
# call: for each variant folder under DIR (default: e2e = tfc-compile's
# default wgmma=auto, then e2e-off = wgmma=off, the mma.sync baseline on the
# same GPU), scripts/device/e2e.sh builds the runtime snapshot DIR/src/runtime
# and benchmarks GPT-2 124M bf16 B1xS16 and B8xS1024 against PyTorch eager /
# torch.compile / reduce-overhead (correctness vs PyTorch f32, latency,
# per-kernel profile). Output: $OUT/<variant>/{e2e.log,e2e.json}.
#
# Here first:
#   mkdir -p .device-carry/h8/{e2e,e2e-off}; cp .device-carry/e2e/gpt2_124m_*.onnx .device-carry/e2e/manifest.json into both
#   python3 scripts/device/e2e_compile.py .device-carry/h8/e2e --models gpt2_124m_b1s16,gpt2_124m_b8s1024 --precision bf16
#   python3 scripts/device/e2e_compile.py .device-carry/h8/e2e-off --models ... --precision bf16 --compile-options wgmma=off
#   git archive HEAD runtime | tar -x -C .device-carry/h8/src
# Usage (device, repo root, carry .device-carry/h8):
#   [VARIANTS="e2e e2e-off"] [BUDGET_S=95] scripts/device/wgmma_e2e.sh [DIR]
set -uo pipefail
cd "$(dirname "$0")/../.."
DIR=${1:-.device-carry/h8}
RESULTS=${OUT:-/tmp/tfc-wgmma-e2e}
for v in ${VARIANTS:-e2e e2e-off}; do
  echo "=== variant $v ($(date -u +%T))"
  mkdir -p "$RESULTS/$v"
  OUT="$RESULTS/$v" E2E_BUDGET_S=${BUDGET_S:-95} E2E_RUNTIME_SRC="$DIR/src/runtime" \
    scripts/device/e2e.sh "$DIR/$v" --models gpt2_124m_b1s16,gpt2_124m_b8s1024 2>&1 \
    | tail -60
done
