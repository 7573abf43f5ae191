#!/usr/bin/env bash
# More tenants than the old cap of 256 on one serve: 300 generated
# testshop tenants start; threads are by work, not by tenant (the old
# design held three per tenant, over 900 here); a delivery to the first
# and to the last tenant is acknowledged, parsed, filed and booked in its
# own database; SIGTERM stops serve cleanly. Residency: an idle tenant
# holds no descriptor on its database (serve starts them closed), a
# delivery opens it, and after --idle-close without activity every
# connection to it is given back; the next delivery opens it again.
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
  --admin-port-file "$SL_TMP/admin.port" --tick-ms 200 --idle-close 2s 2>>"$SL_TMP/serve.log" &
SERVE_PID=$!
SL_PIDS+=("$SERVE_PID")
check "serve starts on $N tenants" wait_for_file "$SL_TMP/admin.port" 300
PORT=$(cat "$SL_TMP/serve.port")
ADMIN_PORT=$(cat "$SL_TMP/admin.port")
check "every tenant is served" grep -q "tenant t$N (.*t$N.ini) is served" "$SL_TMP/serve.log"
check "none is refused" eq "$(grep -c 'is not served' "$SL_TMP/serve.log")" 0

# held TENANT: how many descriptors serve has open on the tenant's files.
held() {
  local n=0 fd
  for fd in /proc/"$SERVE_PID"/fd/*; do
    case "$(readlink "$fd" 2>/dev/null)" in "$SL_TMP/$1.db"*) n=$((n + 1)) ;; esac
  done
  echo "$n"
}
all_held() {
  local n=0 fd f
  for fd in /proc/"$SERVE_PID"/fd/*; do
    f=$(readlink "$fd" 2>/dev/null)
    case "$f" in "$SL_TMP"/t*.db*) n=$((n + 1)); echo "  held: $f" >&2 ;; esac
  done
  echo "$n"
}
check "idle tenants hold no descriptor on their databases" eq "$(all_held)" 0

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
released() { [ "$(held t1)" = 0 ]; }
check "after --idle-close t1 holds nothing" wait_until 120 released
none_held() { [ "$(all_held 2>/dev/null)" = 0 ]; }
check "and then no tenant does" wait_until 120 none_held
BODY="$TS_DATA/order-1001-cancelled.json"
SIG=$(openssl dgst -sha256 -hmac "whsec-test-1234" -binary "$BODY" | base64)
check "a delivery to the closed t1 is acknowledged" eq "$(post t1)" 200
revised() { [ "$(count t1 "select count(*) from inbox_revisions")" = 2 ]; }
check "and filed as t1's second revision" wait_until 60 revised
voided() { [ "$(count t1 "select status from documents where type = 'invoice'")" = void ]; }
check "and booked after the reopen: t1's invoice is void" wait_until 60 voided
check "an unknown tenant is 404" eq "$(post t$((N + 1)))" 404

check "SIGTERM stops serve" stop_serve
finish
