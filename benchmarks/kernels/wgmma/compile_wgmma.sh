#!/usr/bin/env bash
# Compiles the wgmma cases (cases.py) here and stages the device run in
# .device-carry/wgmma (git-ignored; pass it as `carry`): for each case the
# wgmma + TMA kernel (tfc-test-emit-fusion-kernels tensor-maps=true) and, for
# the bench cases, the mma.sync kernel of the same fusion, each as PTX, an
# sm_90a cubin from the local ptxas and its `ptxas -v` report (registers,
# spills), plus the launch metadata (extract_kernels.py) and the harness.
# Usage (from the repo root): benchmarks/kernels/wgmma/compile_wgmma.sh [TFC_OPT]
set -euo pipefail
cd "$(dirname "$0")/../../.."
TFC_OPT=${1:-build/bin/tfc-opt}
PTXAS=${PTXAS:-/usr/local/cuda/bin/ptxas}
HERE=benchmarks/kernels/wgmma
DEST=${DEST:-.device-carry/wgmma}
rm -rf "$DEST" && mkdir -p "$DEST/kernels" "$DEST/cases"
python3 "$HERE/cases.py" "$DEST/cases" >/dev/null
KERNEL_PASSES="gpu.module(convert-nvgpu-to-nvvm,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv=1},convert-nvvm-to-llvm,canonicalize,cse,reconcile-unrealized-casts,tfc-extern-dynamic-shared-memory),nvvm-attach-target{chip=sm_90a features=+ptx80 O=3},gpu-module-to-binary{format=isa}"
compile() { # case variant tensor-maps
  local src=$DEST/cases/$1.mlir out=$DEST/kernels/$1.$2
  "$TFC_OPT" "$src" --tfc-test-emit-fusion-kernels=tensor-maps=$3 -o "$out.kernels.mlir"
  "$TFC_OPT" "$src" --pass-pipeline="builtin.module(tfc-test-emit-fusion-kernels{tensor-maps=$3},$KERNEL_PASSES)" -o "$out.bin.mlir"
  python3 "$HERE/extract_kernels.py" "$out.bin.mlir" "$out.kernels.mlir" "$out" >/dev/null
  "$PTXAS" -arch=sm_90a -v "$out.ptx" -o "$out.cubin" > "$out.ptxas.txt" 2>&1
  rm "$out.bin.mlir" "$out.kernels.mlir"
  echo "$1.$2: $(grep -o 'Used [0-9]* registers' "$out.ptxas.txt"), $(grep -o '[0-9]* bytes spill stores' "$out.ptxas.txt"), ld.local $(grep -c 'ld.local' "$out.ptx" || true)"
}
for f in "$DEST"/cases/*.mlir; do
  name=$(basename "$f" .mlir)
  compile "$name" wgmma true
  case $name in bench_*) compile "$name" mma false ;; esac
done
cp "$HERE/run_wgmma.py" "$HERE/run_on_device.sh" "$DEST/"
git rev-parse --short HEAD > "$DEST/commit"
git status --porcelain -- lib/Conversion/FusionKernels "$HERE" | wc -l > "$DEST/dirty_files"
du -sh "$DEST"
