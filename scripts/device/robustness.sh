#!/usr/bin/env bash
# Runtime robustness on the GPU, in one call: builds the runtime (cmake +
# g++, no MLIR), then over the compiled models in ARTIFACT_DIR:
#   - compute-sanitizer memcheck (CUDA graph, and launch by launch) and
#     racecheck over a full run of each model (every kernel family they use);
#   - session_soak.c: 10,000 consecutive runs of one session with host RSS
#     and free device memory sampled before/after, and wrong inputs (dtype,
#     size, name, NULL/unmapped pointers) between good runs;
#   - an artifact for another arch (sm_100, via test/Bad/Inputs/edit_tfcm.py)
#     must be refused with TFC_ERROR_NO_COMPATIBLE_IMAGE; one whose input
#     (4 TiB, ARTIFACT_DIR/bad/huge_input_2e40.tfcm) cannot be allocated
#     must fail session creation with a status.
# Prints one PASS/FAIL line per check and a verdict; writes the logs to $OUT.
# Compile the artifacts first, here (README "Running on the GPU"):
#   for m in handmade_mlp_ln_softmax gpt2_style_min.ts17 gpt2_tiny.ts17 gpt2_tiny.dynamo18; do
#     build/bin/tfc-opt test/models/$m.onnx -o /dev/null \
#       --tfc-compile="target=sm_90a artifact=.device-carry/robust/$m.tfcm"
#   done
#   build/bin/tfc-opt test/Import/Inputs/huge_input_2e40.onnx -o /dev/null \
#     --tfc-compile="target=sm_90a artifact=.device-carry/robust/bad/huge_input_2e40.tfcm"
# Usage (on the device, from the repo root): scripts/device/robustness.sh [ARTIFACT_DIR]
set -uo pipefail
cd "$(dirname "$0")/../.."
ART=${1:-.device-carry/robust}
LOGS=${OUT:-/tmp/tfc-robustness}
SOAK_RUNS=${SOAK_RUNS:-10000}
mkdir -p "$LOGS"
fails=0
verdict() { # verdict NAME OK DETAIL
  local result=PASS
  [[ $2 == 1 ]] || { result=FAIL; fails=$((fails + 1)); }
  echo "$result $1: $3" | tee -a "$LOGS/summary.txt"
}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
start=$(date +%s)
cmake -S runtime -B /tmp/build-rt -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTFC_RUNTIME_BUILD_TESTS=OFF >"$LOGS/cmake.log" 2>&1 &&
  ninja -C /tmp/build-rt tfcrt tfc-run >"$LOGS/build.log" 2>&1 ||
  { tail -n 30 "$LOGS/cmake.log" "$LOGS/build.log"; exit 1; }
CUDA=${CUDA_HOME:-/usr/local/cuda}
gcc -std=c11 -O2 -Wall scripts/device/session_soak.c -Iruntime/include \
  -I"$CUDA/include" -L/tmp/build-rt -ltfcrt -L"$CUDA/lib64/stubs" -lcuda \
  -Wl,-rpath,/tmp/build-rt -o /tmp/session_soak || exit 1
echo "runtime built in $(( $(date +%s) - start )) s"
TFC_RUN=/tmp/build-rt/tfc-run
SANITIZER=$(command -v compute-sanitizer || echo "$CUDA/bin/compute-sanitizer")

# tfc-run arguments for a model: its committed inputs (test/models/BASE.input.NAME.npy).
inputs_of() {
  local base=${1%%.*} args=() f name
  for f in test/models/"$base".input.*.npy; do
    name=${f#test/models/$base.input.}
    args+=(--input "${name%.npy}=$f")
  done
  echo "${args[@]}"
}

for m in gpt2_tiny.ts17 handmade_mlp_ln_softmax; do
  [[ -f $ART/$m.tfcm ]] || continue
  log=$LOGS/soak.$m.log
  timeout 120 /tmp/session_soak "$ART/$m.tfcm" "$SOAK_RUNS" >"$log" 2>&1
  rc=$?
  verdict "soak $m" "$([[ $rc == 0 ]] && echo 1)" "rc=$rc $(grep -E '^soak |FAIL' "$log" | head -4 | tr '\n' ' ')$( [[ $rc == 0 ]] || tail -n 2 "$log" | tr '\n' ' ')"
done

# Another arch: every image relabelled sm_100 (same length as sm_90a).
first=$(ls "$ART"/*.tfcm | head -1)
python3 test/Bad/Inputs/edit_tfcm.py "$first" /tmp/sm100.tfcm arch sm_100
read -ra in <<<"$(inputs_of "$(basename "$first" .tfcm)")"
"$TFC_RUN" /tmp/sm100.tfcm "${in[@]}" >"$LOGS/other-arch.log" 2>&1
rc=$?
msg=$(grep -E "error" "$LOGS/other-arch.log" | head -1)
verdict "other arch" "$([[ $rc == 1 && $msg == *TFC_ERROR_NO_COMPATIBLE_IMAGE* ]] && echo 1)" "rc=$rc $msg"

# An artifact whose 4 TiB input cannot be allocated (test/Bad/onnx.test's
# 2^40-element graph input): session creation must fail with a status.
if [[ -f $ART/bad/huge_input_2e40.tfcm ]]; then
  /tmp/session_soak "$ART/bad/huge_input_2e40.tfcm" 0 >"$LOGS/huge.log" 2>&1
  rc=$?
  msg=$(grep -E "FAIL" "$LOGS/huge.log" | head -1)
  [[ -n $msg ]] || msg=$(tail -n 2 "$LOGS/huge.log" | tr '\n' ' ')
  verdict "4 TiB input" "$([[ $rc == 1 && $msg == *tfcSessionCreate* ]] && echo 1)" "rc=$rc $msg"
fi

# Smallest models first, so that a time limit cuts the largest.
for art in $(ls -S -r "$ART"/*.tfcm); do
  m=$(basename "$art" .tfcm)
  read -ra in <<<"$(inputs_of "$m")"
  for mode in graph no-graph; do
    flag=(); [[ $mode == no-graph ]] && flag=(--no-graph)
    log=$LOGS/memcheck.$m.$mode.log
    timeout 120 "$SANITIZER" --tool memcheck --leak-check full --error-exitcode 3 \
      "$TFC_RUN" "$art" "${in[@]}" "${flag[@]}" --warmup 1 --repeat 2 >"$log" 2>&1
    rc=$?
    summary=$(grep -E "ERROR SUMMARY" "$log" | tail -1)
    verdict "memcheck $m ($mode)" "$([[ $rc == 0 ]] && echo 1)" "rc=$rc ${summary:-no summary}"
  done
  log=$LOGS/racecheck.$m.log
  timeout 120 "$SANITIZER" --tool racecheck --error-exitcode 3 \
    "$TFC_RUN" "$art" "${in[@]}" --no-graph --repeat 1 >"$log" 2>&1
  rc=$?
  summary=$(grep -E "RACECHECK SUMMARY|ERROR SUMMARY" "$log" | tail -1)
  verdict "racecheck $m" "$([[ $rc == 0 ]] && echo 1)" "rc=$rc ${summary:-no summary}"
done

echo "robustness: $fails failed, $(( $(date +%s) - start )) s"
[[ $fails == 0 ]]
