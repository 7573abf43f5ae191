# Shared helpers for the end-to-end tests (sourced, not run).
# Environment from ctest: SHOPLEDGER, SL_PLUGIN_DIR, SL_TEST_PLUGIN_DIR,
# SL_SOURCE_DIR, SL_SHARED_DIR, SL_BUILD_DIR, SL_SANITIZE; SL_VALGRIND=1
# runs every shopledger invocation under valgrind memcheck (leaks fail).
set -uo pipefail

SL_PASSED=0
SL_FAILED=0
SL_TMP=$(mktemp -d /tmp/sl-it.XXXXXX)
SL_PIDS=()

sl_cleanup() {
  for pid in "${SL_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${SL_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$SL_TMP"
}
trap sl_cleanup EXIT

# Runs the host binary (under valgrind when asked and not sanitized).
sl() {
  if [ "${SL_VALGRIND:-0}" = 1 ] && [ "${SL_SANITIZE:-OFF}" != ON ]; then
    valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
      --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
      "$SHOPLEDGER" "$@"
  else
    "$SHOPLEDGER" "$@"
  fi
}

# check NAME COMMAND...: runs the command, counts a pass or a failure.
check() {
  local name=$1; shift
  if "$@"; then
    SL_PASSED=$((SL_PASSED + 1)); echo "ok   $name"
  else
    SL_FAILED=$((SL_FAILED + 1)); echo "FAIL $name"
  fi
}

eq() { [ "$1" = "$2" ] || { echo "  expected '$2', got '$1'" >&2; return 1; }; }

# wait_for_file PATH SECONDS: bounded wait for a file to appear non-empty.
wait_for_file() {
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    [ -s "$1" ] && return 0
    sleep 0.05
  done
  echo "  timed out waiting for $1" >&2
  return 1
}

# json_get FILE EXPR: a value out of JSON via the sqlite3 JSON functions
# (no jq on a fresh machine).
json_get() {
  sqlite3 :memory: "select json_extract(readfile('$1'), '$2');"
}

finish() {
  echo "$SL_PASSED passed, $SL_FAILED failed"
  [ "$SL_FAILED" -eq 0 ]
}
