#!/usr/bin/env bash
# Runs one libFuzzer target for N executions on its corpus.
#
# Usage: fuzz/run.sh TARGET N [libFuzzer flags...]
#   TARGET  onnx | mlir | artifact  (tfc-fuzz-TARGET in build-asan/bin)
#   N       executions (-runs=N); TFC_FUZZ_SECONDS caps the time (default
#           none), e.g. for CI's smoke runs
# The corpus lives in build-asan/fuzz/TARGET/corpus (kept between runs) and
# is seeded from committed inputs: the test models and import inputs (onnx),
# the .mlir tests split at `// -----` (mlir), artifacts compiled from the
# test models by build/bin/tfc-opt (artifact; TFC_OPT overrides), and
# fuzz/regressions/TARGET. Crashes are written to
# build-asan/fuzz/TARGET/crashes/. Builds the target first (scripts/
# build-asan.sh) unless TFC_FUZZ_NO_BUILD=1. Exit status: libFuzzer's (0: no
# crash).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh onnx|mlir|artifact N [libFuzzer flags...]}
runs=${2:?usage: fuzz/run.sh onnx|mlir|artifact N [libFuzzer flags...]}
shift 2
case $target in onnx | mlir | artifact) ;; *)
  echo "fuzz/run.sh: unknown target '$target' (onnx, mlir, artifact)" >&2
  exit 2 ;;
esac
BUILD_DIR=${TFC_ASAN_BUILD_DIR:-build-asan}
bin=$BUILD_DIR/bin/tfc-fuzz-$target
if [[ ${TFC_FUZZ_NO_BUILD:-0} != 1 ]]; then
  scripts/build-asan.sh "tfc-fuzz-$target" >/dev/null
fi
work=$BUILD_DIR/fuzz/$target
corpus=$work/corpus
mkdir -p "$corpus" "$work/crashes"

# Seeds (copied once; libFuzzer names its own finds by content hash).
seed() { cp -n "$@" "$corpus/" 2>/dev/null || true; }
case $target in
onnx)
  # The small models; the 2 MB GPT-2 exports would slow every execution.
  seed test/Import/Inputs/*.onnx test/models/handmade_mlp_ln_softmax.onnx
  max_len=65536
  # Op types and attribute names, so mutations can spell them.
  grep -rhoE 'registry\.add\("[A-Za-z]+"' lib/Import/Onnx |
    sed -E 's/.*"(.*)"/"\1"/' | sort -u >"$work/dict"
  printf '"%s"\n' axis perm transA transB epsilon alpha beta keepdims \
    location offset length >>"$work/dict"
  ;;
mlir)
  # Each split of each .mlir test, without its comment lines.
  find test -name '*.mlir' -not -path '*/Inputs/*' | sort | while read -r f; do
    awk -v out="$corpus/seed-$(echo "$f" | tr '/.' '__')" '
      /^\/\/ -----/ { n++; next }
      /^[[:space:]]*\/\// { next }
      { print > (out "-" n+0) }' "$f"
  done
  max_len=16384
  grep -rhoE 'tfc\.[a-z_]+' test --include='*.mlir' | sort -u |
    sed -E 's/(.*)/"\1"/' >"$work/dict"
  printf '"%s"\n' 'tensor<' 'xf32>' 'xf16>' 'xi64>' 'xi1>' 'func.func' \
    'return' '#tfc.target<' 'dense<' 'dense_resource<' 'axis = ' \
    'to tensor<' ' : ' '-> ' >>"$work/dict"
  ;;
artifact)
  # Compiled models in the current format: weights inline, and external
  # (bound by name from a safetensors file).
  tfc_opt=${TFC_OPT:-build/bin/tfc-opt}
  compile_seed() { # NAME MODEL TFC-OPT-ARGS...
    local name=$1 model=$2
    shift 2
    [[ -f $corpus/$name.tfcm ]] && return
    "$tfc_opt" "test/models/$model.onnx" -o /dev/null "$@" \
      --tfc-compile="target=sm_90a ptxas=none artifact=$corpus/$name.tfcm${TFC_SEED_EXTRA:-}" \
      >"$work/seed.log" 2>&1 ||
      { echo "fuzz/run.sh: cannot compile seed $name:" >&2; head -c 600 "$work/seed.log" >&2; }
  }
  compile_seed handmade handmade_mlp_ln_softmax
  TFC_SEED_EXTRA=" external-weights-file=weights.safetensors" \
    compile_seed gpt2_external gpt2_style_min.ts17 --weights=external
  # bf16 on sm_90a: wgmma matmuls with tensor-map arguments (format v5).
  TFC_SEED_EXTRA=" precision=bf16 external-weights-file=weights.safetensors" \
    compile_seed gpt2_tensor_maps gpt2_style_min.ts17 --weights=external
  max_len=131072
  : >"$work/dict"
  ;;
esac
[[ -d fuzz/regressions/$target ]] && seed fuzz/regressions/$target/*

flags=(-runs="$runs" -max_len="$max_len" -timeout=20 -rss_limit_mb=4096
  -print_final_stats=1 -artifact_prefix="$work/crashes/")
[[ -s $work/dict ]] && flags+=(-dict="$work/dict")
[[ -n ${TFC_FUZZ_SECONDS:-} ]] && flags+=(-max_total_time="$TFC_FUZZ_SECONDS")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allow_user_poisoning=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
exec "$bin" "${flags[@]}" "$@" "$corpus"
