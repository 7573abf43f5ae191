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

# The read deadline: libmicrohttpd's idle timeout is reset by every byte,
# so a client dribbling a byte a second kept its slot for ever. Now a
# request must arrive whole within --read-deadline.
closed_at_least() { # FILE N
  [ -f "$1" ] && [ "$(cat "$1")" -ge "$2" ]
}
SERVE_EXTRA=(--read-deadline 3s)
check "serve starts with a 3 s read deadline" start_serve "$SL_TEST_PLUGIN_DIR"
rm -f "$SL_TMP/slow.stop" "$SL_TMP/slow.ready" "$SL_TMP/slow.closed"
python3 "$FAULTS/slow_clients.py" "$PORT" 20 127.0.0.3 "$SL_TMP/slow.ready" \
  "$SL_TMP/slow.stop" "$SL_TMP/slow.closed" 2>>"$SL_TMP/slow.log" &
SL_PIDS+=($!)
check "20 slow connections are opened" wait_for_file "$SL_TMP/slow.ready" 60
check "each is cut after the deadline, though it keeps sending" \
  wait_until 60 closed_at_least "$SL_TMP/slow.closed" 20
check "the cut is logged" grep -q "connection(s) cut" "$SL_TMP/serve.log"
check "a good delivery is still answered" good_posts 1
touch "$SL_TMP/slow.stop"
check "SIGTERM stops cleanly (deadline)" stop_serve
unset SERVE_EXTRA

# The reserve: slow connections from many addresses fill every slot (the
# per-address limit does not help); past the high-water mark the slowest
# readers are cut, so a shop's delivery gets a slot long before the 30 s
# deadline would free one.
ADDRS=$(seq -s, -f '127.0.1.%g' 1 18)
MANY=1100
[ "$(ulimit -n)" -gt 2400 ] 2>/dev/null || MANY=$(( $(ulimit -n) / 2 - 100 ))
good_post_retrying() { # connection refusals retried until answered or BOUND_S
  local until=$((SECONDS + BOUND_S)) s
  while [ "$SECONDS" -le "$until" ]; do
    s=$(good_post)
    [ "$s" = 200 ] && return 0
    sleep 0.2
  done
  echo "  last status: $s" >&2
  return 1
}
check "serve starts for the many-address attack" start_serve "$SL_TEST_PLUGIN_DIR"
rm -f "$SL_TMP/slow.stop" "$SL_TMP/slow.ready"
python3 "$FAULTS/slow_clients.py" "$PORT" "$MANY" "$ADDRS" "$SL_TMP/slow.ready" \
  "$SL_TMP/slow.stop" 2>>"$SL_TMP/slow.log" &
SL_PIDS+=($!)
check "$MANY slow connections from 18 addresses are opened or refused" \
  wait_for_file "$SL_TMP/slow.ready" 120
echo "  slow connections held open: $(cat "$SL_TMP/slow.ready" 2>/dev/null)"
check "a good delivery is answered 200 within ${BOUND_S}s" good_post_retrying
touch "$SL_TMP/slow.stop"
check "SIGTERM stops cleanly (many addresses)" stop_serve
finish
