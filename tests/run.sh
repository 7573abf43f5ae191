#!/usr/bin/env bash
# The one test command (README, CI): installs what is missing, checks the
# mechanical rules, builds with warnings as errors and runs every test;
# then the same suite under AddressSanitizer + UndefinedBehaviorSanitizer;
# then the end-to-end tests once more with the host under valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
bash tests/setup-deps.sh
bash tests/check-style.sh

echo "== build (warnings are errors)"
cmake -S . -B build -DSL_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$JOBS"
ctest --test-dir build --output-on-failure -j"$JOBS"

echo "== build with ASan + UBSan"
cmake -S . -B build-asan -DSL_WERROR=ON -DSL_SANITIZE=ON -DSL_BUILD_BENCH=OFF \
      -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$JOBS"
ctest --test-dir build-asan --output-on-failure -j"$JOBS"

echo "== end-to-end tests with the host under valgrind"
SL_VALGRIND=1 ctest --test-dir build --output-on-failure -R '^it_'
