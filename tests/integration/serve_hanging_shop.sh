#!/usr/bin/env bash
# A shop that never answers holds no HTTP thread: admin polls and stock
# syncs are queued for the scheduler (202 at once), so with four polls
# asked of a hanging shop, as many as libmicrohttpd has threads, another
# tenant's signed delivery is still answered 200 and /admin/health still
# answers. Before, each admin poll ran on an HTTP thread and four of them
# held all four. The other tenant's scheduled work (its poll, its note to
# the shop) is done while the hanging call still runs.
source "$(dirname "$0")/lib.bash"
FAULTS="$SL_SOURCE_DIR/tests/integration/data/faults"
TS_DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
PLUGINS="$SL_TMP/plugins"
mkdir -p "$CONF" "$SL_TMP/orders" "$PLUGINS"
# One plugin folder holding the WooCommerce connector and the test shop.
ln -s "$SL_PLUGIN_DIR/woocommerce.so" "$SL_TEST_PLUGIN_DIR/testshop.so" "$PLUGINS/"
testshop_secrets
printf 'cs_fault_secret' > "$SL_TMP/woo.secret"
chmod 600 "$SL_TMP/woo.secret"
TOKEN=admin-token-5678

python3 "$FAULTS/fake_remote.py" hang "$SL_TMP/hang.port" "$SL_TMP/hang.seen" \
  >/dev/null 2>>"$SL_TMP/remote.log" &
SL_PIDS+=($!)
wait_for_file "$SL_TMP/hang.port" 10 || exit 1
cat > "$CONF/hang.ini" <<INI
[tenant]
id = hang
currency = EUR
database = $SL_TMP/hang.db
admin_token_file = $SL_TMP/admin.token

[channel:woo]
plugin = woocommerce
url = http://127.0.0.1:$(cat "$SL_TMP/hang.port")
key = ck_fault
secret_file = $SL_TMP/woo.secret
intake = poll
poll_every = 1h
document = invoice
process_when = processing, completed

[channel:woo.taxes]
standard = VAT21

[channel:woo.payments]
bacs = bank:2620
INI
testshop_webhook_tenant "$CONF/ts.ini" ts "$SL_TMP/admin.token" ts

# status CURL-ARGS...: the HTTP status of a request, bounded to 5 s.
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }
admin_status() { status -H "Authorization: Bearer $TOKEN" "$@"; }
sig=$(openssl dgst -sha256 -hmac whsec-test-1234 -binary "$TS_DATA/order-1001-paid.json" | base64)

if ! start_serve "$PLUGINS"; then cat "$SL_TMP/serve.log" >&2; check "serve starts" false; finish; exit 1; fi
for i in 1 2 3 4; do
  check "admin poll $i of the hanging shop is queued (202)" \
    eq "$(admin_status -X POST "http://127.0.0.1:$ADMIN_PORT/admin/hang/poll/woo")" 202
done
check "the scheduler's poll reached the hanging shop" wait_for_file "$SL_TMP/hang.seen" 20
check "the hanging poll shows as running" bash -c "curl -s --max-time 5 -H 'Authorization: Bearer $TOKEN' \
  http://127.0.0.1:$ADMIN_PORT/admin/hang/channels/woo | grep -q '\"poll\":{\"requested\":4,\"finished\":0,\"outcome\":\"running\"'"
check "another tenant's signed delivery is answered 200" eq "$(status -X POST \
  -H 'Content-Type: application/json' -H "X-Testshop-Signature: $sig" \
  --data-binary @"$TS_DATA/order-1001-paid.json" "http://127.0.0.1:$PORT/hooks/ts/ts")" 200
# The scheduler's workers: the hanging poll holds one of them, the other
# tenant's work goes on in another while it still hangs (one scheduler
# thread would have made it wait for the hanging call's timeout).
check "the other tenant's admin poll finishes" admin_poll_ok "$TOKEN" ts ts
check "the other tenant's note reaches its shop" wait_for_file "$SL_TMP/notes.txt" 60
check "while the hanging poll is still running" bash -c "curl -s --max-time 5 -H 'Authorization: Bearer $TOKEN' \
  http://127.0.0.1:$ADMIN_PORT/admin/hang/channels/woo | grep -q '\"outcome\":\"running\"'"
check "/admin/health answers" eq "$(admin_status "http://127.0.0.1:$ADMIN_PORT/admin/health")" 200
check "a stock sync is queued too" \
  eq "$(admin_status -X POST "http://127.0.0.1:$ADMIN_PORT/admin/ts/stock-sync/ts")" 202
check "an unknown channel is 404" \
  eq "$(admin_status -X POST "http://127.0.0.1:$ADMIN_PORT/admin/ts/poll/nope")" 404
check "SIGTERM ends serve (the hanging call is abandoned)" stop_serve
finish
