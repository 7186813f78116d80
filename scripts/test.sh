#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds, runs the lit suite
# (dialect, passes, import, conversion, target, reference executor, the
# bad-input corpus) and the ctest unit tests (compiler and runtime). Ends with
# "N passed, N failed"; exits non-zero on any failure.
#
# TFC_TEST_SANITIZERS=1 (what CI runs, .ci/run) adds the same suite built
# with ASan + UBSan (clang, build-asan/; scripts/build-asan.sh), the replay of
# every fuzz crash reproducer, and a smoke run of each libFuzzer target
# (fuzz/run.sh TARGET 20000, at most TFC_FUZZ_SMOKE_SECONDS=60 s each).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
scripts/build.sh || { echo "0 passed, 1 failed (build)"; exit 1; }
BUILD_DIR=${TFC_BUILD_DIR:-build}
passed=0
failed=0

# run_suite DIR: the lit suite and ctest of the build in DIR; adds to the
# counts.
run_suite() {
  local dir=$1 log lit_rc lit_pass lit_fail ctest_rc ct_total ct_fail
  log=$(mktemp)
  /usr/lib/llvm-22/bin/lit -v "$dir/test" 2>&1 | tee "$log"
  lit_rc=${PIPESTATUS[0]}
  lit_pass=$(grep -cE '^(PASS|XFAIL): ' "$log" || true)
  lit_fail=$(grep -cE '^(FAIL|XPASS|UNRESOLVED|TIMEOUT): ' "$log" || true)

  ctest --test-dir "$dir" --output-on-failure -E '^tfc-lit$' 2>&1 | tee "$log"
  ctest_rc=${PIPESTATUS[0]}
  ct_total=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\2/p' "$log")
  ct_fail=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\1/p' "$log")
  ct_total=${ct_total:-0}; ct_fail=${ct_fail:-0}
  rm -f "$log"

  passed=$((passed + lit_pass + ct_total - ct_fail))
  failed=$((failed + lit_fail + ct_fail))
  if [[ $lit_rc -ne 0 && $lit_fail -eq 0 ]]; then failed=$((failed + 1)); fi
  if [[ $ctest_rc -ne 0 && $ct_fail -eq 0 && $ct_total -ne 0 ]]; then failed=$((failed + 1)); fi
}

run_suite "$BUILD_DIR"

if [[ ${TFC_TEST_SANITIZERS:-0} == 1 ]]; then
  start=$(date +%s)
  if scripts/build-asan.sh; then
    echo "test: sanitizer build took $(( $(date +%s) - start )) s"
    start=$(date +%s)
    # Any ASan, LSan or UBSan report fails the test that triggered it.
    # allow_user_poisoning=0: LLVM's allocators poison memory only in code
    # built with ASan, and libMLIR.so is not (false use-after-poison).
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allow_user_poisoning=0 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      run_suite build-asan
    echo "test: sanitizer suite took $(( $(date +%s) - start )) s"
    for target in onnx mlir artifact; do
      log=$(mktemp)
      start=$(date +%s)
      if TFC_FUZZ_NO_BUILD=1 TFC_FUZZ_SECONDS=${TFC_FUZZ_SMOKE_SECONDS:-60} \
          fuzz/run.sh "$target" 20000 >"$log" 2>&1; then
        echo "PASS: fuzz smoke $target ($(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$') executions, $(( $(date +%s) - start )) s)"
        passed=$((passed + 1))
      else
        tail -n 60 "$log"
        echo "FAIL: fuzz smoke $target (reproducer in build-asan/fuzz/$target/crashes/)"
        failed=$((failed + 1))
      fi
      rm -f "$log"
    done
  else
    echo "FAIL: sanitizer build (scripts/build-asan.sh)"
    failed=$((failed + 1))
  fi
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
