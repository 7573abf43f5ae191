#!/usr/bin/env bash
# Builds every libFuzzer target of tests/fuzz with clang under ASan + UBSan
# (build-fuzz/, apart from the gcc builds) and runs each for SECONDS
# (default 300) from its committed seed corpus, tests/fuzz/corpus/TARGET/.
# Any crash, leak, UB report or timeout fails the script; the reproducer is
# left in build-fuzz/findings/TARGET/. New inputs go to a scratch copy of
# the corpus, so a run never dirties the tree. Prints exec counts per target.
#   bash tests/fuzz/run.sh [SECONDS] [TARGET...]
# Needs clang and libclang-rt-14-dev (tests/setup-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${1:-300}
shift || true
OUT=build-fuzz
ALL=(json_load woo_webhook woo_api mozello unas tarad mellat zarinpal asemanweb foroutel config_ini masters_csv)
TARGETS=("${@:-${ALL[@]}}")
[ $# -gt 0 ] || TARGETS=("${ALL[@]}")

# -Wno-error=format-nonliteral: clang's -Wformat=2 also flags a va_list handed
# on to vsnprintf, which gcc's (the project's compiler) does not.
CC=clang cmake -S . -B "$OUT" -DSL_FUZZ=ON -DSL_SANITIZE=ON -DSL_WERROR=ON \
  -DSL_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link -Wno-error=format-nonliteral" >/dev/null
cmake --build "$OUT" -j"${JOBS:-2}" --target fuzz_all

export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in "${TARGETS[@]}"; do
  seeds=tests/fuzz/corpus/$t
  work=$OUT/corpus/$t
  found=$OUT/findings/$t
  rm -rf "$work" && mkdir -p "$work" "$found"
  dict=(-dict=tests/fuzz/json.dict)
  [ -f "tests/fuzz/dict/$t.dict" ] && dict=(-dict="tests/fuzz/dict/$t.dict")
  log=$OUT/findings/$t.log
  echo "== fuzz_$t for ${SECONDS_TO_RUN}s"
  if "$OUT/fuzz/fuzz_$t" -max_total_time="$SECONDS_TO_RUN" -max_len=16384 \
       -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$found/" "${dict[@]}" "$work" "$seeds" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "fuzz_$t: ${execs:-?} runs in ${SECONDS_TO_RUN}s, $cov, no findings"
  else
    tail -n 60 "$log"
    echo "fuzz_$t: FAILED (reproducer in $found/, log $log)"
    status=1
  fi
done
exit $status
