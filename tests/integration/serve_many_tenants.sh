#!/usr/bin/env bash
# More tenants than the old cap of 256 on one serve: 300 generated
# testshop tenants start; threads are by work, not by tenant (the old
# design held three per tenant, over 900 here); a delivery to the first
# and to the last tenant is acknowledged, parsed, filed and booked in its
# own database; SIGTERM stops serve cleanly.
source "$(dirname "$0")/lib.bash"
TS_DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
N=300
mkdir -p "$CONF" "$SL_TMP/orders"
testshop_secrets
for ((i = 1; i <= N; i++)); do
  testshop_webhook_tenant "$CONF/t$i.ini" "t$i" "$SL_TMP/admin.token" hook
done
check "$N tenant files written" eq "$(ls "$CONF" | wc -l)" "$N"

# The databases come from a first start of the plain binary, also under
# SL_VALGRIND: 300 new databases (their migrations) under memcheck take
# longer than the test may run, and every other serve test creates its
# database under memcheck. Then serve starts on them as a host restarts.
rm -f "$SL_TMP/serve.port" "$SL_TMP/admin.port"
"$SHOPLEDGER" --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR" serve --listen 127.0.0.1:0 \
  --port-file "$SL_TMP/serve.port" --admin-listen 127.0.0.1:0 \
  --admin-port-file "$SL_TMP/admin.port" --no-scheduler 2>>"$SL_TMP/first.log" &
FIRST_PID=$!
SL_PIDS+=("$FIRST_PID")
check "a first start creates the $N databases" wait_for_file "$SL_TMP/admin.port" 300
kill -TERM "$FIRST_PID"
wait "$FIRST_PID"
check "and stops" eq "$?" 0
check "$N databases" eq "$(ls "$SL_TMP"/t*.db | wc -l)" "$N"

# start: like start_serve, with a bound that fits 300 tenants under valgrind.
rm -f "$SL_TMP/serve.port" "$SL_TMP/admin.port"
sl_exec --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR" serve --listen 127.0.0.1:0 \
  --port-file "$SL_TMP/serve.port" --admin-listen 127.0.0.1:0 \
  --admin-port-file "$SL_TMP/admin.port" --tick-ms 200 2>>"$SL_TMP/serve.log" &
SERVE_PID=$!
SL_PIDS+=("$SERVE_PID")
check "serve starts on $N tenants" wait_for_file "$SL_TMP/admin.port" 300
PORT=$(cat "$SL_TMP/serve.port")
ADMIN_PORT=$(cat "$SL_TMP/admin.port")
check "every tenant is served" grep -q "tenant t$N (.*t$N.ini) is served" "$SL_TMP/serve.log"
check "none is refused" eq "$(grep -c 'is not served' "$SL_TMP/serve.log")" 0

threads=$(ls "/proc/$SERVE_PID/task" | wc -l)
check "threads by work: $threads threads for $N tenants (under 50)" test "$threads" -lt 50

BODY="$TS_DATA/order-1001-paid.json"
SIG=$(openssl dgst -sha256 -hmac "whsec-test-1234" -binary "$BODY" | base64)
post() { # TENANT: a signed delivery; prints the status
  curl -s -o /dev/null -w '%{http_code}' --max-time 60 -X POST \
    -H 'Content-Type: application/json' -H "X-Testshop-Signature: $SIG" \
    --data-binary @"$BODY" "http://127.0.0.1:$PORT/hooks/$1/hook"
}
count() { sqlite3 "$SL_TMP/$1.db" "$2" 2>/dev/null; }
# booked TENANT: bounded wait until the tenant's order became its invoice
# (a draft: the testshop tenants do not approve).
booked() {
  local i
  for ((i = 0; i < 600; i++)); do
    [ "$(count "$1" "select count(*) from documents where type = 'invoice'")" = 1 ] && return 0
    sleep 0.1
  done
  echo "  $1: $(count "$1" "select count(*) from documents") document(s), no invoice" >&2
  return 1
}

for t in t1 "t$N"; do
  check "a delivery to $t is acknowledged" eq "$(post "$t")" 200
  check "and parsed" wait_parsed admin-token-5678 "$t"
  check "filed in $t's own inbox" eq "$(count "$t" "select count(*) from inbox_items")" 1
  check "and booked" booked "$t"
done
check "a tenant that got nothing has nothing" eq "$(count t150 "select count(*) from inbox_items")" 0
check "an unknown tenant is 404" eq "$(post t$((N + 1)))" 404

check "SIGTERM stops serve" stop_serve
finish
