#!/usr/bin/env bash
# SIGTERM ends `serve` promptly, with exit 0, whatever the remotes do: a
# shop that never answers, one that answers 429 Retry-After: 60, one that
# refuses connections, and clients that hang up while their delivery
# waits for its commit (their deliveries are freed: valgrind runs check
# for leaks). The bound is generous, a liveness check: before the fix a
# hanging shop held the stop for minutes.
source "$(dirname "$0")/lib.bash"
FAULTS="$SL_SOURCE_DIR/tests/integration/data/faults"
TS_DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF" "$SL_TMP/orders"
BOUND_S=5
if [ "${SL_VALGRIND:-0}" = 1 ] || [ "${SL_SANITIZE:-OFF}" = ON ]; then BOUND_S=20; fi
testshop_secrets
printf 'cs_fault_secret' > "$SL_TMP/woo.secret"
chmod 600 "$SL_TMP/woo.secret"

# start_remote MODE: a misbehaving shop; sets REMOTE_PORT.
start_remote() {
  python3 "$FAULTS/fake_remote.py" "$1" "$SL_TMP/$1.port" "$SL_TMP/$1.seen" \
    >/dev/null 2>>"$SL_TMP/remote.log" &
  SL_PIDS+=($!)
  wait_for_file "$SL_TMP/$1.port" 10 && REMOTE_PORT=$(cat "$SL_TMP/$1.port")
}

# free_port: a port nothing listens on (bound, then closed).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# woo_tenant ID URL: a tenant polling a WooCommerce channel at URL.
woo_tenant() {
  cat > "$CONF/$1.ini" <<INI
[tenant]
id = $1
currency = EUR
database = $SL_TMP/$1.db
admin_token_file = $SL_TMP/admin.token

[channel:woo]
plugin = woocommerce
url = $2
key = ck_fault
secret_file = $SL_TMP/woo.secret
intake = poll
poll_every = 30s
document = invoice
process_when = processing, completed

[channel:woo.taxes]
standard = VAT21

[channel:woo.payments]
bacs = bank:2620
INI
}


# wait_seen FILE N: bounded wait until the remote saw N requests.
wait_seen() {
  local i
  for ((i = 0; i < 200; i++)); do
    [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ] && return 0
    sleep 0.05
  done
  echo "  the remote saw no request" >&2
  return 1
}

# wait_log TEXT: bounded wait for a line in serve's log.
wait_log() {
  local i
  for ((i = 0; i < 200; i++)); do
    grep -q "$1" "$SL_TMP/serve.log" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "  no '$1' in the log" >&2
  return 1
}

# term_within SECONDS: SIGTERM, then 0 only when serve ended by itself,
# with exit 0, inside the bound (polled in small steps, bounded).
term_within() {
  kill -TERM "$SERVE_PID"
  local i
  for ((i = 0; i < $1 * 20; i++)); do
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$SERVE_PID" 2>/dev/null; then
    echo "  still running ${1}s after SIGTERM" >&2
    kill -KILL "$SERVE_PID"
    wait "$SERVE_PID" 2>/dev/null
    return 1
  fi
  wait "$SERVE_PID"
  local rc=$?
  [ "$rc" = 0 ] || { echo "  serve exited $rc" >&2; tail -5 "$SL_TMP/serve.log" >&2; }
  return "$rc"
}

admin_poll() { # TENANT: an admin poll in the background (it may never be answered)
  curl -s -o /dev/null --max-time 30 -X POST -H 'Authorization: Bearer admin-token-5678' \
    "http://127.0.0.1:$ADMIN_PORT/admin/$1/poll/woo" &
  SL_PIDS+=($!)
}

# ---- a shop that never answers ----------------------------------------------
start_remote hang
woo_tenant hang "http://127.0.0.1:$REMOTE_PORT"
check "serve starts beside a hanging shop" start_serve "$SL_PLUGIN_DIR"
check "the scheduler's poll reached the hanging shop" wait_seen "$SL_TMP/hang.seen" 1
admin_poll hang # waits for the channel behind the scheduler's hanging call
check "SIGTERM ends serve within ${BOUND_S}s (hanging shop)" term_within "$BOUND_S"
check "the abandoned call is logged as such" grep -q "abandoned" "$SL_TMP/serve.log"
rm -f "$CONF"/*.ini

# ---- 429 with Retry-After: 60 -----------------------------------------------
start_remote 429
woo_tenant limited "http://127.0.0.1:$REMOTE_PORT"
: > "$SL_TMP/serve.log"
check "serve starts beside a rate-limiting shop" start_serve "$SL_PLUGIN_DIR"
check "the poll reached the rate-limiting shop" wait_seen "$SL_TMP/429.seen" 1
admin_poll limited
check "the admin poll reached it too" wait_seen "$SL_TMP/429.seen" 2
check "SIGTERM ends serve within ${BOUND_S}s (429 Retry-After 60)" term_within "$BOUND_S"
check "no request waited in a sleep: two requests, no more" eq "$(wc -l < "$SL_TMP/429.seen")" 2
rm -f "$CONF"/*.ini

# ---- a shop that refuses connections ----------------------------------------
woo_tenant refused "http://127.0.0.1:$(free_port)"
: > "$SL_TMP/serve.log"
check "serve starts beside a refusing shop" start_serve "$SL_PLUGIN_DIR"
check "the refused poll is logged" wait_log "failed after"
check "SIGTERM ends serve within ${BOUND_S}s (refused)" term_within "$BOUND_S"
rm -f "$CONF"/*.ini

# ---- clients that hang up while their delivery waits for the commit ---------
testshop_webhook_tenant "$CONF/ts.ini" ts "$SL_TMP/admin.token" ts
: > "$SL_TMP/serve.log"
check "serve starts for the hang-up clients" start_serve "$SL_TEST_PLUGIN_DIR"
check "30 deliveries sent and hung up on" python3 "$FAULTS/hangup_clients.py" "$PORT" \
  /hooks/ts/ts whsec-test-1234 X-Testshop-Signature "$TS_DATA/order-1001-paid.json" 30
check "the host still answers after them" eq "$(curl -s -o /dev/null -w '%{http_code}' \
  --max-time 10 -H 'Authorization: Bearer admin-token-5678' "http://127.0.0.1:$ADMIN_PORT/admin/health")" 200
check "SIGTERM ends serve within ${BOUND_S}s (hung-up clients)" term_within "$BOUND_S"
check "no delivery was left waiting at the stop" bash -c "! grep -q 'still wait for their commit' '$SL_TMP/serve.log'"

finish
