#!/usr/bin/env bash
# Fuzzes the SDK's JSON reader against jansson for SECONDS (default 300),
# seeded with the recorded fixtures. Needs clang and libclang-rt-14-dev.
#   bash tests/fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${1:-300}
OUT=build-fuzz
mkdir -p "$OUT/corpus"
clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
  tests/fuzz/fuzz_json_load.c sdk/json_load.c -ljansson -o "$OUT/fuzz_json_load"
find ../shared/fixtures -name '*.json' -size -64k -exec cp {} "$OUT/corpus/" \;
"$OUT/fuzz_json_load" -max_total_time="$SECONDS_TO_RUN" -max_len=8192 \
  -dict=tests/fuzz/json.dict "$OUT/corpus"
