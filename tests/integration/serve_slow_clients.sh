#!/usr/bin/env bash
# Slow clients cannot starve intake: 1,000 connections from one address
# that each send a header byte a second (slowloris) leave room for the
# shop's good deliveries from another address, which are answered (within
# a generous liveness bound, not a benchmark). Before, 512 such
# connections took every slot and good deliveries timed out.
source "$(dirname "$0")/lib.bash"
FAULTS="$SL_SOURCE_DIR/tests/integration/data/faults"
TS_DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF" "$SL_TMP/orders"
testshop_secrets
testshop_webhook_tenant "$CONF/ts.ini" ts "$SL_TMP/admin.token" ts
SLOW=1000
BOUND_S=5
if [ "${SL_VALGRIND:-0}" = 1 ] || [ "${SL_SANITIZE:-OFF}" = ON ]; then BOUND_S=20; fi
[ "$(ulimit -n)" -gt 1200 ] 2>/dev/null || SLOW=$(( $(ulimit -n) - 100 ))
BODY="$TS_DATA/order-1001-paid.json"
SIG=$(openssl dgst -sha256 -hmac "whsec-test-1234" -binary "$BODY" | base64)
good_post() { # from 127.0.0.1; prints the status (000: no answer in time)
  curl -s -o /dev/null -w '%{http_code}' --max-time "$BOUND_S" -X POST \
    -H 'Content-Type: application/json' -H "X-Testshop-Signature: $SIG" \
    --data-binary @"$BODY" "http://127.0.0.1:$PORT/hooks/ts/ts"
}
good_posts() { # N: all N answered 200
  local i s
  for ((i = 0; i < $1; i++)); do
    s=$(good_post)
    [ "$s" = 200 ] || { echo "  delivery $i: $s" >&2; return 1; }
  done
}

check "serve starts" start_serve "$SL_TEST_PLUGIN_DIR"
python3 "$FAULTS/slow_clients.py" "$PORT" "$SLOW" 127.0.0.2 "$SL_TMP/slow.ready" \
  "$SL_TMP/slow.stop" 2>>"$SL_TMP/slow.log" &
SL_PIDS+=($!)
check "$SLOW slow connections are opened or refused" wait_for_file "$SL_TMP/slow.ready" 60
echo "  slow connections held open: $(cat "$SL_TMP/slow.ready" 2>/dev/null)"
check "good deliveries during the attack are answered 200" good_posts 5
touch "$SL_TMP/slow.stop"
check "SIGTERM stops cleanly" stop_serve
finish
