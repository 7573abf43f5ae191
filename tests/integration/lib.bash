# Shared helpers for the end-to-end tests (sourced, not run).
# Environment from ctest: SHOPLEDGER, SL_PLUGIN_DIR, SL_TEST_PLUGIN_DIR,
# SL_SOURCE_DIR, SL_SHARED_DIR, SL_BUILD_DIR, SL_SANITIZE; SL_VALGRIND=1
# runs every shopledger invocation under valgrind memcheck (leaks fail).
set -uo pipefail

SL_PASSED=0
SL_FAILED=0
SL_TMP=$(mktemp -d /tmp/sl-it.XXXXXX)
# serve's state (plugin call markers, quarantine records): the test's own.
export SHOPLEDGER_STATE="$SL_TMP/state"
SL_PIDS=()

sl_cleanup() {
  for pid in "${SL_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${SL_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$SL_TMP"
}
trap sl_cleanup EXIT
trap "exit 130" INT TERM

# sqlite3: the tests' own queries wait for a lock as the host's connections
# do. A connection that closes (serve's pay-return route opens one per
# request) holds the database's PENDING lock for a moment while it checks
# whether it was the last; a reader starting then, without a busy timeout,
# fails "database is locked" and the check reads an empty answer.
sqlite3() { command sqlite3 -cmd '.timeout 10000' "$@"; }

# sl_exec ARGS: replaces the calling (sub)shell with the host binary,
# under valgrind when asked and not sanitized. Start servers with
# `sl_exec ... &` so that $! is the host's own pid (signals reach it).
sl_exec() {
  if [ "${SL_VALGRIND:-0}" = 1 ] && [ "${SL_SANITIZE:-OFF}" != ON ]; then
    exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
      --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
      "$SHOPLEDGER" "$@"
  fi
  exec "$SHOPLEDGER" "$@"
}

# sl ARGS: runs the host binary in the foreground. A test that sets
# SL_VALGRIND_CLI=0 keeps valgrind on serve only: its many foreground
# commands (queries of what serve did, mostly) run natively, and their
# leaks are LeakSanitizer's in the ASan pass, which runs every test too.
sl() {
  (
    [ "${SL_VALGRIND_CLI:-1}" = 0 ] && SL_VALGRIND=0
    sl_exec "$@"
  )
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

# wait_until SECONDS CMD...: bounded wait for CMD to succeed (polled
# every 0.1 s).
wait_until() {
  local i limit=$(($1 * 10))
  shift
  for ((i = 0; i < limit; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  echo "  timed out waiting for: $*" >&2
  return 1
}

# json_get FILE EXPR: a value out of JSON via the sqlite3 JSON functions
# (no jq on a fresh machine).
json_get() {
  sqlite3 :memory: "select json_extract(readfile('$1'), '$2');"
}

# start_serve PLUGIN_DIR: `serve` for every tenant in $CONF, webhooks and
# the admin API each on a free loopback port; sets SERVE_PID, PORT (the
# webhooks) and ADMIN_PORT. Bounded wait for the port files. Options in
# the array SERVE_EXTRA are added to serve's.
start_serve() {
  rm -f "$SL_TMP/serve.port" "$SL_TMP/admin.port"
  sl_exec --conf "$CONF" --plugins "$1" serve --listen 127.0.0.1:0 \
    --port-file "$SL_TMP/serve.port" --admin-listen 127.0.0.1:0 \
    --admin-port-file "$SL_TMP/admin.port" --tick-ms 200 \
    ${SERVE_EXTRA[@]+"${SERVE_EXTRA[@]}"} 2>>"$SL_TMP/serve.log" &
  SERVE_PID=$!
  SL_PIDS+=("$SERVE_PID")
  wait_for_file "$SL_TMP/serve.port" 30 && PORT=$(cat "$SL_TMP/serve.port") &&
    wait_for_file "$SL_TMP/admin.port" 30 && ADMIN_PORT=$(cat "$SL_TMP/admin.port")
}

# stop_serve: 0 only when serve ends by itself after SIGTERM.
stop_serve() {
  kill -TERM "$SERVE_PID"
  wait "$SERVE_PID"
  local rc=$?
  [ "$rc" = 0 ] || { echo "  serve exited $rc" >&2; tail -5 "$SL_TMP/serve.log" >&2; }
  return "$rc"
}

finish() {
  echo "$SL_PASSED passed, $SL_FAILED failed"
  [ "$SL_FAILED" -eq 0 ]
}

# testshop_secrets: the webhook secret and admin token of the testshop
# tenants below, as files only the owner reads.
testshop_secrets() {
  printf 'whsec-test-1234' > "$SL_TMP/webhook.secret"
  printf 'admin-token-5678' > "$SL_TMP/admin.token"
  chmod 600 "$SL_TMP/webhook.secret" "$SL_TMP/admin.token"
}

# testshop_webhook_tenant FILE ID TOKEN_FILE CHANNEL: writes a EUR tenant
# whose channel CHANNEL takes signed testshop webhooks and invoices paid
# orders (database $SL_TMP/ID.db).
testshop_webhook_tenant() {
  cat > "$1" <<INI
[tenant]
id = $2
currency = EUR
database = $SL_TMP/$2.db
admin_token_file = $3

[channel:$4]
plugin = testshop
orders_dir = $SL_TMP/orders
notes_file = $SL_TMP/notes.txt
intake = webhook
webhook_secret_file = $SL_TMP/webhook.secret
document = invoice
process_when = paid
INI
}

# admin_run TOKEN TENANT JOB CHANNEL: asks serve for a poll or a stock sync
# (JOB poll or stock-sync; answered 202 at once, the scheduler makes the
# call), then waits, bounded, until the scheduler finished that request.
# Prints the job's record from GET /admin/TENANT/channels/CHANNEL
# ({"outcome":"ok"|"failed", "error", "report" for a stock sync ...}).
admin_run() {
  local key=poll n i out="$SL_TMP/admin_run.json"
  [ "$3" = stock-sync ] && key=stock_sync
  curl -s --max-time 10 -X POST -H "Authorization: Bearer $1" \
    "http://127.0.0.1:$ADMIN_PORT/admin/$2/$3/$4" > "$out" || return 1
  n=$(json_get "$out" '$.request')
  [ -n "$n" ] || { echo "  $3 $4 was not queued: $(cat "$out")" >&2; return 1; }
  for ((i = 0; i < 2400; i++)); do
    curl -s --max-time 10 -H "Authorization: Bearer $1" \
      "http://127.0.0.1:$ADMIN_PORT/admin/$2/channels/$4" > "$out"
    if [ "$(json_get "$out" "\$.$key.finished")" -ge "$n" ] 2>/dev/null; then
      json_get "$out" "\$.$key"
      return 0
    fi
    sleep 0.05
  done
  echo "  $3 $4 did not finish" >&2
  return 1
}

# wait_parsed TOKEN TENANT: bounded wait until the tenant's writer has
# parsed every webhook delivery it acknowledged (deliveries are parsed
# after the 200: health's waiting_to_parse).
wait_parsed() {
  local i out="$SL_TMP/parsed_health.json"
  for ((i = 0; i < 400; i++)); do
    curl -s --max-time 10 -H "Authorization: Bearer $1" \
      "http://127.0.0.1:$ADMIN_PORT/admin/health" > "$out"
    [ "$(sqlite3 :memory: "select json_extract(value, '\$.waiting_to_parse') from
          json_each(readfile('$out'), '\$.tenants') where json_extract(value, '\$.id') = '$2'" \
          2>/dev/null)" = 0 ] && return 0
    sleep 0.05
  done
  echo "  deliveries of $2 still wait to be parsed" >&2
  return 1
}

# admin_poll_ok TOKEN TENANT CHANNEL: an admin poll that went through.
admin_poll_ok() { admin_run "$1" "$2" poll "$3" | grep -q '"outcome":"ok"'; }

# admin_sync TOKEN TENANT CHANNEL: an admin stock sync; prints its report.
admin_sync() {
  admin_run "$1" "$2" stock-sync "$3" > "$SL_TMP/admin_sync.json" &&
    json_get "$SL_TMP/admin_sync.json" '$.report'
}
