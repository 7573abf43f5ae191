#!/usr/bin/env bash
# The one test command (README, CI): installs what is missing, checks the
# mechanical rules, builds with warnings as errors and runs every test;
# then the same suite under AddressSanitizer + UndefinedBehaviorSanitizer;
# then each libFuzzer target of tests/fuzz for a bounded time; then the
# end-to-end tests once more with the host under valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
TOTAL=0
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# run_ctest ARGS: runs ctest, fails the script on a failure, and adds the
# number of tests it ran to TOTAL.
run_ctest() {
  ctest "$@" 2>&1 | tee "$LOG"
  [ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
  local n
  n=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$LOG" | tail -1)
  TOTAL=$((TOTAL + ${n:-0}))
}
bash tests/setup-deps.sh
bash tests/check-style.sh

echo "== build (warnings are errors)"
cmake -S . -B build -DSL_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$JOBS"
run_ctest --test-dir build --output-on-failure -j"$JOBS"

echo "== build with ASan + UBSan"
cmake -S . -B build-asan -DSL_WERROR=ON -DSL_SANITIZE=ON -DSL_BUILD_BENCH=OFF \
      -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$JOBS"
run_ctest --test-dir build-asan --output-on-failure -j"$JOBS"

echo "== fuzz every parser of remote input: 12 targets x 10 s, clang ASan + UBSan"
bash tests/fuzz/run.sh "${SL_FUZZ_SECONDS:-10}"

echo "== end-to-end tests with the host under valgrind"
SL_VALGRIND=1 run_ctest --test-dir build --output-on-failure -j"$JOBS" -R '^it_'

echo "total: $TOTAL passed, 0 failed"
